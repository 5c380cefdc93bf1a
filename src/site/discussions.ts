/** Astro-side glue for discussions: spaces from content, places for posts and spaces. */
import { getCollection } from 'astro:content';
import type { Space } from '../schemas/space.ts';
import type { Place } from '../server/discussions/place-access.ts';
import type { Post } from './community.ts';

/** Spaces in their `order`. */
export async function getSpaces(): Promise<Space[]> {
  return (await getCollection('spaces')).map((entry) => entry.data).sort((a, b) => a.order - b.order);
}

export async function getSpace(id: string): Promise<Space | undefined> {
  return (await getSpaces()).find((space) => space.id === id);
}

export function spacePlace(space: Space): Extract<Place, { kind: 'space' }> {
  return { kind: 'space', id: space.id, name: space.name, read: space.read, post: space.post };
}

export function postPlace(post: Post): Extract<Place, { kind: 'post' }> {
  return { kind: 'post', slug: post.id, title: post.data.title, access: post.data.access };
}
