"""The regulations and standards library (法律法规标准库): every source the platform's rules cite,
with its number, issuer, date, status and a short interpretation (issue 10 item 7, 000 五(四))."""
