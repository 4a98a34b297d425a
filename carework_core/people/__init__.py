"""Who takes part: invites, onboarding, consent and its versions, each person's data and withdrawal, the team."""
