/** `"Name" <address>` for a From header; quotes and backslashes in the name are escaped. */
export function fromAddress(sender: { name: string; address: string }): string {
  const name = sender.name.replace(/[\r\n]/g, ' ').replace(/(["\\])/g, '\\$1');
  return `"${name}" <${sender.address}>`;
}
