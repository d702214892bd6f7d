"""Training (培训, issue 10 item 6): sessions, per-person records, online lectures, awareness."""
