"""Sign-in, sign-out, passwords and who may see what."""
