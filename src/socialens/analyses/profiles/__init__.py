"""User profiles: interests, activity rhythm, sentiment, influence and languages of each account."""
