import type { PassThroughOptions } from 'primevue/passthrough'

/**
 * PrimeVue pass-through options that fix accessibility defaults once for every use (WCAG 2.2 AA;
 * docs/accessibility.md). Each entry says which default it replaces and why.
 */

interface MenuInstance {
  popup: boolean
  target: HTMLElement | null
  focusedOptionIndex: number | string
  changeFocusedOptionIndex: (index: number) => void
}

interface PasswordInstance {
  onMaskToggle: () => void
}

/** The show/hide-password icon as a real keyboard control (PrimeVue's is a click-only SVG). */
const maskToggle = (label: string) => (opts: { instance: PasswordInstance }) => ({
  role: 'button',
  tabindex: 0,
  'aria-label': label,
  // PrimeVue marks icons aria-hidden; this one is the control itself.
  'aria-hidden': 'false',
  onKeydown: (event: KeyboardEvent) => {
    if (event.key !== 'Enter' && event.key !== ' ') return
    event.preventDefault()
    const field = (event.currentTarget as Element).closest('.p-password')
    opts.instance.onMaskToggle()
    // The icon is swapped for its counterpart: keep focus on the control.
    requestAnimationFrame(() => field?.querySelector<HTMLElement>('[role="button"]')?.focus())
  },
})

// Open menus and lists render inside the page's <main> landmark, not at the end of <body> outside
// every landmark: the Menu, Select and DatePicker uses outside dialogs pass append-to="#main"
// (PrimeVue positions them against the page, and main is not a positioned box). Inside a dialog
// they keep the default (<body>): the dialog box clips what it holds.

export const a11yPassThrough = {
  datatable: {
    column: {
      // Each body cell carries its column's header as data-label: at phone width a table with
      // the class "stack-narrow" shows its rows as stacked cards, each value under its header's
      // words (styles/base.css), instead of columns cut off sideways (docs/accessibility.md, "phone width").
      bodyCell: ({ props }: { props?: { header?: unknown } }) => ({
        'data-label': typeof props?.header === 'string' ? props.header : undefined,
      }),
    },
  },

  // A Message is static text unless the page says otherwise (role="alert" on an error raised by
  // an action). PrimeVue makes every Message an assertive alert, so page-load notes were read out
  // and each keystroke that re-rendered a warning fired a new alert.
  message: { root: { role: null, 'aria-live': null, 'aria-atomic': null } },

  // A tab panel whose content has Tab stops is not a Tab stop itself (WAI-ARIA tabs pattern):
  // PrimeVue gives every panel tabindex=0, so Shift+Tab from the first filter stopped on the whole
  // panel, whose top then sat under the fixed top bar (WCAG 2.4.11).
  tabpanel: { root: { tabindex: -1 } },

  menu: {
    list: ({ instance }: { instance: MenuInstance }) => ({
      // A popup menu opens with its first item highlighted (WAI-ARIA menu button pattern).
      onFocus: () => {
        if (
          instance.popup &&
          (instance.focusedOptionIndex === -1 || instance.focusedOptionIndex === '-1')
        )
          instance.changeFocusedOptionIndex(0)
      },
      // Tab in a popup menu closes it and returns to its button; the menu sits at the end of
      // <body>, so the browser's own Tab left focus on nothing.
      onKeydownCapture: (event: KeyboardEvent) => {
        if (event.key !== 'Tab' || !instance.popup || !instance.target) return
        event.preventDefault()
        instance.target.focus()
      },
    }),
  },

  password: {
    // The input is a plain textbox (no overlay when feedback is off): PrimeVue still put
    // aria-expanded on it, which a textbox may not carry.
    pcInputText: { root: { 'aria-expanded': null, 'aria-controls': null, 'aria-haspopup': null } },
    unmaskIcon: maskToggle('Show password'),
    maskIcon: maskToggle('Hide password'),
  },

  select: {
    // The open list and its search box are named after the field (its label or aria-label).
    list: ({ props }: { props: { ariaLabelledby?: string; ariaLabel?: string } }) => ({
      'aria-labelledby': props.ariaLabelledby,
      'aria-label': props.ariaLabelledby ? undefined : props.ariaLabel,
      // The listbox can take focus (a click into the list, a screen reader's focus mode), so the
      // scrolling container holds something focusable. It stays out of the Tab order: the field
      // keeps focus and moves through the options with the arrow keys (aria-activedescendant),
      // which scrolls the list; a Tab stop here would make Tab from the field land in the list
      // (PrimeVue sends Tab into an open overlay that has one) instead of on the next control.
      tabindex: -1,
    }),
    pcFilter: ({ instance }: { instance: { hide: (focus?: boolean) => void } }) => ({
      root: {
        'aria-label': 'Search the list',
        // Tab in the search box closes the list and returns to the field (the focus-trap
        // sentinels below are no longer Tab stops).
        onKeydown: (event: KeyboardEvent) => {
          if (event.key !== 'Tab') return
          event.preventDefault()
          instance.hide(true)
        },
      },
    }),
    // The list scrolls with the arrow keys from the field (aria-activedescendant); it need not be
    // a Tab stop, but it is focusable so it can be scrolled when a pointer user clicks into it.
    listContainer: { tabindex: -1 },
    // Focus-trap sentinels around a filterable list: aria-hidden yet Tab stops. Tab from the
    // search box is handled by the Select itself (it closes the list).
    hiddenFirstFocusableEl: { tabindex: -1 },
    hiddenLastFocusableEl: { tabindex: -1 },
  },
} as unknown as PassThroughOptions
