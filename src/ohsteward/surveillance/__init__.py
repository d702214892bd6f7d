"""职业健康监护: workers (one person across employers, the ID number encrypted), their post
history and exposures, and the exam schedule by GBZ 188 (issue 12). Exams, results and their
follow-up build on the ``Worker`` model here."""
