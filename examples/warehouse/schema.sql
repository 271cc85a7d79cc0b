-- The warehouse side of examples/warehouse: a long stage history as a
-- table, the funnel's stage names, and one row per deal by the rules of
-- funnelmath's crm.Long reader. Run in an empty schema (the program and
-- the tests create one and set search_path to it).

-- stage_history holds one row per stage entry, the columns of the bench
-- generator's CSV (deal_id, owner, segment, source, stage, entered_at,
-- amount) and of examples/review/sample/deals.csv (account,
-- expected_close, assigned_at besides). line keeps the input order: the
-- line of the CSV file the row was loaded from, the header being line 1,
-- so that a row read back in ORDER BY line is named by the same line in
-- an error of the crm readers. Every other column may be NULL, as a cell
-- of an export may be empty: the readers, not the table, say what a deal
-- needs.
CREATE TABLE stage_history (
    line           bigint PRIMARY KEY,
    deal_id        text,
    owner          text,
    segment        text,
    source         text,
    account        text,
    stage          text,
    entered_at     timestamptz,
    amount         numeric,
    expected_close date,
    assigned_at    timestamptz
);

CREATE INDEX stage_history_deal ON stage_history (deal_id);

-- funnel_stage maps a stage name, folded as the readers fold it (lower
-- case, surrounding white space removed), to its index in the funnel
-- (0 to n-1, the last being won) or to -1 for a name that means lost
-- ("closed lost", "lost"). The program fills it from its -stages.
CREATE TABLE funnel_stage (
    name  text PRIMARY KEY,
    stage integer NOT NULL CHECK (stage >= -1)
);

-- deal is one row per deal, by the rules that crm.Long applies to a
-- deal's rows (see `go doc github.com/funnelmath/funnelmath/funnel/crm.Long`):
--   * it is won when it has a row at the last stage, lost when it has a
--     lost row, and open otherwise;
--   * its furthest stage is the furthest it has a row at (-1 for a deal
--     with lost rows only, created straight as lost): under the implied
--     rule it reached every stage up to it, so a won deal reached them all;
--   * entered lists the stages it has a row at (the strict rule);
--   * owner and amount are the last non-empty values in input order (line);
--   * started is its first stage row's time (funnel.Deal.Start: the
--     history has no creation time);
--   * closed is the start of its last run of won or lost rows in time
--     order (a won or lost row after the others at the same time): the
--     earliest won or lost row at or after its last other row. The reader
--     closes a deal at the first row of the run that closes it, as rows
--     edited after the close repeat the stage; a deal won, moved back and
--     won again closes at the second win.
--   * rows counts the rows of stage_history it was made of.
-- It trusts the rows to be ones the reader accepts: a row without a deal
-- id or a time, or whose stage is not in funnel_stage, is left out here
-- (the program compares the rows used with the table's and refuses the
-- table, naming the first such row), and a deal both won and lost, or
-- with a stage after its close, which the reader refuses, is counted
-- here as won, or with the close its rows give.
--
-- It is a materialized view, as a warehouse keeps such a model: the
-- GROUP BYs of groupby.sql read the deals without sorting the history
-- again. REFRESH MATERIALIZED VIEW deal after a change to stage_history
-- or funnel_stage (the program does before it runs them).
CREATE MATERIALIZED VIEW deal AS
WITH last_stage AS (
    SELECT max(stage) AS k FROM funnel_stage
), stage_row AS (
    SELECT btrim(h.deal_id, E' \t\r\n\f\v') AS deal_id,
           h.line,
           h.entered_at,
           s.stage,
           s.stage = -1 OR s.stage = l.k AS closes,
           nullif(btrim(h.owner, E' \t\r\n\f\v'), '') AS owner,
           h.amount
      FROM stage_history h
      JOIN funnel_stage s ON s.name = lower(btrim(h.stage, E' \t\r\n\f\v'))
     CROSS JOIN last_stage l
     WHERE h.entered_at IS NOT NULL
       AND btrim(h.deal_id, E' \t\r\n\f\v') <> ''
), by_deal AS (
    SELECT deal_id,
           count(*) AS rows,
           coalesce((array_agg(owner ORDER BY line DESC) FILTER (WHERE owner IS NOT NULL))[1], '') AS owner,
           (array_agg(amount ORDER BY line DESC) FILTER (WHERE amount IS NOT NULL))[1] AS amount,
           CASE WHEN bool_or(closes AND stage >= 0) THEN 'won'
                WHEN bool_or(stage = -1) THEN 'lost'
                ELSE 'open' END AS outcome,
           max(stage) AS furthest,
           array_agg(DISTINCT stage) FILTER (WHERE stage >= 0) AS entered,
           min(entered_at) FILTER (WHERE stage >= 0) AS started,
           array_agg(entered_at) FILTER (WHERE closes) AS closing,
           max(entered_at) FILTER (WHERE NOT closes) AS last_other
      FROM stage_row
     GROUP BY deal_id
)
SELECT deal_id, rows, owner, amount, outcome, furthest, entered, started,
       (SELECT min(t) FROM unnest(closing) AS t WHERE last_other IS NULL OR t >= last_other) AS closed
  FROM by_deal
  WITH NO DATA;
