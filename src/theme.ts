import { definePreset } from '@primeuix/themes'
import Aura from '@primeuix/themes/aura'

/**
 * Aura with a darker primary in light mode, so that white text on primary buttons and primary
 * text on white (links, text buttons) meet WCAG AA contrast (4.5:1). Dark mode keeps Aura's.
 */
export const FluxeraPreset = definePreset(Aura, {
  semantic: {
    colorScheme: {
      light: {
        primary: {
          color: '{primary.700}',
          contrastColor: '#ffffff',
          hoverColor: '{primary.800}',
          activeColor: '{primary.900}',
        },
        highlight: {
          background: '{primary.50}',
          focusBackground: '{primary.100}',
          color: '{primary.800}',
          focusColor: '{primary.900}',
        },
      },
    },
  },
  components: {
    togglebutton: { colorScheme: { light: { root: { color: '{surface.600}' } } } },
    message: {
      colorScheme: {
        light: {
          warn: { color: '{yellow.800}', simple: { color: '{yellow.800}' } },
          success: { color: '{green.700}', simple: { color: '{green.700}' } },
        },
      },
    },
  },
})
