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

class Ticket implements Namespace {
  related: {
    owners: User[]
  }

  permits = {
    edit: (ctx: Context): boolean => this.related.owners.includes(ctx.subject),
  }
}

class Order implements Namespace {
  related: {
    owners: User[]
    parents: Ticket[]
  }

  permits = {
    view: (ctx: Context): boolean =>
      this.related.owners.includes(ctx.subject) ||
      this.related.parents.traverse((p) => p.permits.edit(ctx)),
    edit: (ctx: Context): boolean => this.related.owners.includes(ctx.subject),
  }
}

class Payment implements Namespace {
  related: {
    owners: User[]
    parents: Order[]
  }

  // Whoever may see the order sees its payment: the payer (the order's owner) and the
  // ticket's owner.
  permits = {
    view: (ctx: Context): boolean => this.related.parents.traverse((p) => p.permits.view(ctx)),
    edit: (ctx: Context): boolean => this.related.owners.includes(ctx.subject),
  }
}
