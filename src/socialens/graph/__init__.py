"""Account graphs from the store (reply, mention, repost, quote, follow), their statistics and export."""
