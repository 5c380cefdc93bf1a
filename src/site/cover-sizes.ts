import type { ImageMetadata } from 'astro';

/**
 * Responsive sizes for a cover: photos get resized variants; drawings in SVG stay SVG,
 * sharp at every size and smaller than any bitmap of them.
 */
export function coverSizes(cover: ImageMetadata, widths: number[], sizes: string) {
  return cover.format === 'svg' ? { format: 'svg' as const } : { widths, sizes };
}
