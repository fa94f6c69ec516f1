import { definePreset } from '@primeuix/themes'
// Aura with only the tokens of the components the app uses (scripts/vite/auraUsed.ts).
import Aura from 'virtual:aura-used'

/**
 * Aura with a darker primary in light mode, so that white text on primary buttons and primary
 * text on white (links, text buttons) meet WCAG AA contrast (4.5:1). Dark mode keeps Aura's.
 *
 * Focus (WCAG 2.4.7, 2.4.13): Aura shows a focused field only by a 1 px border colour change, so
 * fields get the same 2 px primary ring as buttons; focused menu and list items are ringed in
 * base.css (a background tint alone was 1.10:1).
 */
export const FluxeraPreset = definePreset(Aura, {
  semantic: {
    focusRing: { width: '2px', style: 'solid', color: '{primary.color}', offset: '2px' },
    formField: {
      focusRing: { width: '2px', style: 'solid', color: '{primary.color}', offset: '1px' },
    },
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
    // Red 500 text on white is 3.76:1 ("Leave workspace", "Turn off"); red 700 is 6.5:1.
    button: {
      colorScheme: {
        light: {
          outlined: { danger: { color: '{red.700}', borderColor: '{red.300}' } },
          text: { danger: { color: '{red.700}' } },
        },
      },
    },
    // Toast titles: Aura's 600 shades on their 50 tints are 3.0:1 (green, yellow) to 4.4:1 (red).
    toast: {
      colorScheme: {
        light: {
          info: { color: '{blue.700}' },
          success: { color: '{green.800}' },
          warn: { color: '{yellow.800}' },
          error: { color: '{red.700}' },
        },
      },
    },
    togglebutton: { colorScheme: { light: { root: { color: '{surface.600}' } } } },
    message: {
      colorScheme: {
        light: {
          warn: { color: '{yellow.800}', simple: { color: '{yellow.800}' } },
          success: { color: '{green.700}', simple: { color: '{green.700}' } },
          // red 600 on the error tint was 4.44:1
          error: { color: '{red.700}', simple: { color: '{red.700}' } },
        },
        // red 500 on the dark error tint was 3.98:1
        dark: { error: { color: '{red.300}', simple: { color: '{red.300}' } } },
      },
    },
  },
})
