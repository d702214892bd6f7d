"""Technical service institutions (职业卫生技术服务机构, 职业健康检查机构, 诊断机构 …) and the
employers they serve. Today: the register of institutions and their engagements, which is what
the institution jurisdiction (an institution's clients) reads. QC, report cards and grading
follow (issue 9)."""
