"""The enterprise's online service zone (线上服务专区, issue 10 item 7, 000 五(四)): the directory
of teams and institutions, team requests, expert questions and advice; and the structured
findings of visits (issue 10 item 4)."""
