-- Why an operator's rule is not in use (its pattern does not compile, or could backtrack
-- catastrophically); null when it is. Written by bounced when it loads the rules.
alter table classification_rules add column problem text;
