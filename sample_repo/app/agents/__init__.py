"""LLM agent runtime: runs stream progress events to the user's sockets."""
