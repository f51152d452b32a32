"""Adapters to external state systems (ГБД ФЛ, NOBD, ШЭП): one package per system, HTTP only."""
