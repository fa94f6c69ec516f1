import { createPinia } from 'pinia'
import PrimeVue from 'primevue/config'
import ConfirmationService from 'primevue/confirmationservice'
import ToastService from 'primevue/toastservice'
import { createApp } from 'vue'
import 'primeicons/primeicons.css'
import { a11yPassThrough } from './a11yPassThrough'
import App from './App.vue'
import { router } from './router'
import { FluxeraPreset } from './theme'
import './styles/base.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.use(PrimeVue, {
  theme: { preset: FluxeraPreset, options: { darkModeSelector: '.app-dark' } },
  pt: a11yPassThrough,
})
app.use(ToastService)
app.use(ConfirmationService)
app.mount('#app')
