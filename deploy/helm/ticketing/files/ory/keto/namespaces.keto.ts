// The Ticketing permission model in Ory Permission Language, loaded by Keto.
// src/python/ticketing/shared/permissions.py (MODEL) describes the same model for the
// embedded engine; a test parses this file and compares the two, so they cannot drift apart.
import { Namespace, Context } from "@ory/keto-namespace-types"

class User implements Namespace {}

class Group implements Namespace {
  related: {
    members: User[]
  }
}

// Its holder: who alone may list it and show its code.
class Ticket implements Namespace {
  related: {
    owners: User[]
  }

  permits = {
    edit: (ctx: Context): boolean => this.related.owners.includes(ctx.subject),
  }
}

// The buyer owns an order; its seller (the ticket's holder when it was placed) sees it, and
// keeps seeing it once the ticket is the buyer's.
class Order implements Namespace {
  related: {
    owners: User[]
    sellers: User[]
    parents: Ticket[]
  }

  permits = {
    view: (ctx: Context): boolean =>
      this.related.owners.includes(ctx.subject) || this.related.sellers.includes(ctx.subject),
    edit: (ctx: Context): boolean => this.related.owners.includes(ctx.subject),
  }
}

class Payment implements Namespace {
  related: {
    owners: User[]
    parents: Order[]
  }

  // Whoever may see the order sees its payment: the payer (the order's owner) and the seller.
  permits = {
    view: (ctx: Context): boolean => this.related.parents.traverse((p) => p.permits.view(ctx)),
    edit: (ctx: Context): boolean => this.related.owners.includes(ctx.subject),
  }
}
