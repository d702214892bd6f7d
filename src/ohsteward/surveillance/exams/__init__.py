"""Exam results and their follow-up (issue 12 items 4 and 5): exams uploaded by exam institutions,
one result per hazard factor with its GBZ 188 conclusion, the batch summary (表5-1), and the work
each conclusion turns into (recheck and reassignment tasks, occupational disease cases)."""
