"""The state person register (ГБД ФЛ-like): look up a person by IIN and their legal representatives.

`client.py` talks to the register over HTTP JSON (`docs/exchange/person_register.md`);
`simulator.py` is a simulated peer for development and integration tests.
"""
