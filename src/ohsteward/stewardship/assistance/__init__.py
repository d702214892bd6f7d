"""SME assistance (中小微企业职业健康帮扶, issue 10 item 5; seed 001 附件3): yearly district plans,
the assisted employers, the "六个一" items and the four 100 % rates."""
