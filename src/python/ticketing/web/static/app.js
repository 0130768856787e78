// Enhancements, but for Stripe.js card entry (which needs JavaScript to make its token): every
// other page works without this file.
"use strict";

// The reservation countdown. At zero the page asks the API for the order until it is no
// longer open, then shows its new status without a reload.
function countdown(element) {
  let left = Number(element.dataset.expiresIn);
  const status = document.getElementById("order-status");
  const open = document.getElementById("open-order");
  const show = () => {
    element.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  };
  const poll = async () => {
    const response = await fetch(`/api/orders/${element.dataset.orderId}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const order = response.ok ? await response.json() : null;
    if (order && order.status !== "created") {
      status.textContent = order.status;
      if (open) open.remove();
      element.closest("dd").textContent = "ended";
      return;
    }
    setTimeout(poll, 1000);
  };
  const tick = () => {
    left = Math.max(0, left - 1);
    show();
    if (left > 0) setTimeout(tick, 1000);
    else poll();
  };
  setTimeout(tick, 1000);
}

// Stripe.js card fields: the card goes from the browser to Stripe; only the token comes here.
function stripeCard(form) {
  if (typeof Stripe === "undefined") return;
  const stripe = Stripe(form.dataset.publishableKey);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  form.addEventListener("submit", async (event) => {
    if (form.elements.token.value) return;
    event.preventDefault();
    const { token, error } = await stripe.createToken(card);
    if (error) {
      alert(error.message);
      return;
    }
    form.elements.token.value = token.id;
    form.submit();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const clock = document.getElementById("countdown");
  if (clock) countdown(clock);
  const stripeForm = document.getElementById("stripe-form");
  if (stripeForm) stripeCard(stripeForm);
});
