/**
 * The colours and fonts of every email, taken from the site's light theme. Emails get
 * inline styles only: many clients drop `<style>` blocks and CSS variables.
 */
export const palette = {
  page: '#f2efe6',
  card: '#fbfaf6',
  text: '#1f2420',
  muted: '#5b625c',
  border: '#dcd7c9',
  accent: '#2f6b3f',
  accentText: '#ffffff',
  codeBackground: '#e3eedc',
} as const;

export const fonts = {
  ui: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  mono: "ui-monospace, Menlo, Consolas, 'Courier New', monospace",
} as const;
