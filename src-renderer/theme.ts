import { createTheme, localStorageColorSchemeManager, type MantineColorsTuple } from '@mantine/core';

const COLOR_SCHEME_STORAGE_KEY = 'tenant-console:color-scheme';
export const colorSchemeManager = localStorageColorSchemeManager({ key: COLOR_SCHEME_STORAGE_KEY });

// A slate-leaning indigo: calm for an operator's all-day tool, distinct from every badge colour.
const brand: MantineColorsTuple = [
  '#eef1ff', '#dce0f9', '#b6bdec', '#8d98e0', '#6a78d6', '#5465d0', '#485bce', '#394cb6', '#3043a4', '#243991',
];

const fontFamily =
  "'Inter Variable', Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 6, dark: 5 },
  colors: { brand },
  fontFamily,
  fontFamilyMonospace: "ui-monospace, 'JetBrains Mono', 'SFMono-Regular', Menlo, Consolas, monospace",
  headings: { fontFamily, fontWeight: '650' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    Badge: { defaultProps: { radius: 'sm', fw: 600 } },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 200 } },
    Modal: { defaultProps: { radius: 'lg', overlayProps: { backgroundOpacity: 0.45, blur: 2 } } },
    Drawer: { defaultProps: { overlayProps: { backgroundOpacity: 0.35, blur: 1 } } },
    Paper: { defaultProps: { radius: 'lg' } },
  },
});
