"""The steward service (职业健康管家服务): teams and their service agreements with employers.
Today: teams and agreements, which is what the team jurisdiction (a team's client employers)
reads. Visits, "六个一", assistance and training follow (issue 10)."""
