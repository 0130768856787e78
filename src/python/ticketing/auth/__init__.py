"""The auth service: users, sign-up, sign-in, sign-out and who is signed in."""
