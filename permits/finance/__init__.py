"""The film commission's finance pages (blueprint ``finance``, under /finance):
what is left to reconcile, payments recorded by hand, bank statements,
statement lines to resolve, refunds and fee waiver decisions. The rules are
the finance verbs' (:mod:`permits.services.payments`); these pages call them."""
