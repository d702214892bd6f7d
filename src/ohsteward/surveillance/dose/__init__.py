"""Radiation workers' personal dose monitoring (个人剂量监测, issue 12 item 8)."""
