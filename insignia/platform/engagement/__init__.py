"""Engagement inside the tenant: showcase profiles, points, leaderboards, the activity feed."""
