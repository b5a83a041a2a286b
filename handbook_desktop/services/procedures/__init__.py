"""Member procedures (DOMAIN.md §6–§10): admission, probation, transfers, exemption, discipline,
removal, party card, badges, dues, ratings, and the to-do list that watches their deadlines.

Each change is a dated ``MemberEvent`` and keeps ``Member.status`` consistent with the history.
"""
