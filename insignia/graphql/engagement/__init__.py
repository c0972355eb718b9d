"""GraphQL of the engagement area: showcases, points, leaderboards, the activity feed."""
