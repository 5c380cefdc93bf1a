declare namespace App {
  interface Locals {
    /** The signed-in member, set by middleware on on-demand routes; undefined otherwise. */
    member: import('./server/auth/current-member.ts').CurrentMember | undefined;
  }
}
