"""The register of incoming requests: from the phone call to the answer sent.

A request (who asks, how, what, on which claimed basis, about whom) is registered,
examined with the guided interview (facts already known from the register and the
file are filled in and shown as such), answered with the letter the decision calls
for (only what it allows), and closed: decision, letter hash and items sent, journaled.
"""
