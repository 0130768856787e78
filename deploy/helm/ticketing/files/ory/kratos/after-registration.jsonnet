// The body Kratos sends to the auth service's after-registration web hook.
function(ctx) {
  identity_id: ctx.identity.id,
  email: ctx.identity.traits.email,
}
