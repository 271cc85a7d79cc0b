-- The GROUP BYs of the warehouse path, over the materialized view deal of
-- schema.sql (refreshed first: REFRESH MATERIALIZED VIEW deal, then
-- ANALYZE deal, without which the planner guesses its size and sorts
-- where it could hash).
-- The program runs each statement below by its name and turns the rows
-- into funnel.Counts with funnel.DurationsFromBins and
-- funnel.FromGroupSums. The meanings are those of funnel.Counts:
--   reached         deals whose furthest stage is this one or later (a won
--                   deal reached every stage, a lost deal the stages it has
--                   rows for and those before)
--   entered         deals with a row at this stage
--   entered_both    deals with rows at this stage and the next
--   open_at         open deals whose furthest stage is this one
--   strict_pending  those of them with a row at this stage
--   lost_at         lost deals whose furthest stage is this one
--   amount_reached  the amounts of the deals with one that reached the stage
-- and per owner the outcomes (a lost deal with no stage row counts in lost
-- and in lost_no_stage), the deals without an amount, and the won and open
-- money with the count of deals it sums.

-- name: left_out
-- The rows of stage_history that the view deal left out: none when every
-- row has a deal id, a time and a stage that is a funnel stage or a lost
-- name.
SELECT (SELECT count(*) FROM stage_history) - (SELECT coalesce(sum(rows), 0) FROM deal);

-- name: unusable
-- The first row that the view deal left out, and why: no deal id, a stage
-- that is neither a funnel stage nor a lost name, or no time. The crm
-- readers refuse it too; the program stops there with an error naming it.
SELECT h.line,
       CASE WHEN nullif(btrim(h.deal_id, E' \t\r\n\f\v'), '') IS NULL THEN 'deal_id'
            WHEN s.name IS NULL THEN 'stage'
            ELSE 'entered_at' END AS col,
       coalesce(CASE WHEN nullif(btrim(h.deal_id, E' \t\r\n\f\v'), '') IS NULL THEN h.deal_id
                     WHEN s.name IS NULL THEN h.stage
                     ELSE NULL END, '') AS value,
       coalesce(h.deal_id, '') AS deal_id
  FROM stage_history h
  LEFT JOIN funnel_stage s ON s.name = lower(btrim(h.stage, E' \t\r\n\f\v'))
 WHERE nullif(btrim(h.deal_id, E' \t\r\n\f\v'), '') IS NULL
    OR s.name IS NULL
    OR h.entered_at IS NULL
 ORDER BY h.line
 LIMIT 1;

-- name: funnel
-- One row per owner and funnel stage, in stage order, with the owner's
-- totals repeated on each of its rows. The deals are summed by owner and
-- furthest stage first (by_furthest), and the stage counts taken from
-- those sums, so that no deal is repeated once per stage; the strict
-- counts come from each deal's entered stages (by_entered).
WITH stage AS (
    SELECT stage FROM funnel_stage WHERE stage >= 0
), by_owner AS (
    SELECT owner,
           count(*) FILTER (WHERE outcome = 'won') AS won,
           count(*) FILTER (WHERE outcome = 'lost') AS lost,
           count(*) FILTER (WHERE outcome = 'open') AS open,
           count(*) FILTER (WHERE outcome = 'lost' AND furthest < 0) AS lost_no_stage,
           count(*) FILTER (WHERE amount IS NULL) AS no_amount,
           coalesce(sum(amount) FILTER (WHERE outcome = 'won'), 0) AS won_amount,
           count(amount) FILTER (WHERE outcome = 'won') AS won_with_amount,
           coalesce(sum(amount) FILTER (WHERE outcome = 'open'), 0) AS open_amount,
           count(amount) FILTER (WHERE outcome = 'open') AS open_with_amount
      FROM deal
     GROUP BY owner
), by_furthest AS (
    SELECT owner, furthest,
           count(*) AS deals,
           count(*) FILTER (WHERE outcome = 'open') AS open,
           count(*) FILTER (WHERE outcome = 'lost') AS lost,
           coalesce(sum(amount), 0) AS amount
      FROM deal
     WHERE furthest >= 0
     GROUP BY owner, furthest
), by_entered AS (
    SELECT d.owner, e.stage,
           count(*) AS entered,
           count(*) FILTER (WHERE e.stage + 1 = ANY (d.entered)) AS entered_both,
           count(*) FILTER (WHERE d.outcome = 'open' AND d.furthest = e.stage) AS strict_pending
      FROM deal d
     CROSS JOIN LATERAL unnest(d.entered) AS e(stage)
     GROUP BY d.owner, e.stage
), by_stage AS (
    SELECT o.owner, k.stage,
           coalesce(sum(f.deals) FILTER (WHERE f.furthest >= k.stage), 0)::bigint AS reached,
           coalesce(sum(f.open) FILTER (WHERE f.furthest = k.stage), 0)::bigint AS open_at,
           coalesce(sum(f.lost) FILTER (WHERE f.furthest = k.stage), 0)::bigint AS lost_at,
           coalesce(sum(f.amount) FILTER (WHERE f.furthest >= k.stage), 0) AS amount_reached
      FROM by_owner o
     CROSS JOIN stage k
      LEFT JOIN by_furthest f ON f.owner = o.owner
     GROUP BY o.owner, k.stage
)
SELECT s.owner, s.stage, s.reached,
       coalesce(e.entered, 0) AS entered,
       coalesce(e.entered_both, 0) AS entered_both,
       s.open_at,
       coalesce(e.strict_pending, 0) AS strict_pending,
       s.lost_at, s.amount_reached::text,
       o.won, o.lost, o.open, o.lost_no_stage, o.no_amount,
       o.won_amount::text, o.won_with_amount, o.open_amount::text, o.open_with_amount
  FROM by_stage s
  JOIN by_owner o ON o.owner = s.owner
  LEFT JOIN by_entered e ON e.owner = s.owner AND e.stage = s.stage
 ORDER BY s.owner, s.stage;

-- name: cycles
-- The cycles of the closed deals, from their first stage row to their
-- close, in whole seconds (the tally truncates a duration to the second),
-- as day bins: per owner, outcome and day, the deals and their seconds.
SELECT owner, outcome, seconds / 86400 AS day, count(*) AS n, sum(seconds)::bigint AS seconds
  FROM (SELECT owner, outcome,
               floor(extract(epoch FROM closed) - extract(epoch FROM started))::bigint AS seconds
          FROM deal
         WHERE outcome <> 'open' AND started IS NOT NULL AND closed IS NOT NULL) c
 GROUP BY owner, outcome, day
 ORDER BY owner, outcome, day;
