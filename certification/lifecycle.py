"""A certificate's life after the announcement (issue 5): annual
self-assessments, renewal window, expiry, suspension, reinstatement,
downgrading and revocation, accident flags."""
