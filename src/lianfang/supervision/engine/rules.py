"""The supervision rules, written once as one DuckDB query over the engine's tables (see `run.py`).

The same query checks a whole event log (batch) and one case's events (streaming), so both modes find the
same alerts. It returns one row per finding: case, power, rule, step, person (resource) and up to three
numbers for the message (days taken and the limit, or the amount and the benchmark's range).

Control flow (the flowchart as the reference): consecutive known steps of a case, in time order, must follow
a transition. A jump to a step that the flow reaches only later is a skipped step; a jump to one it cannot
reach from there is a step out of order; the first step must be a start step, and a completed case must end
on an end step. Time (working days through the calendar's serial numbers: the working days between two
dates are the difference of their serials, so the day of acceptance is not counted): each step against its
own limit, the case against its promised (预警 before, 黄牌 after) and statutory (红牌) limits, less the
working days of suspensions (听证、鉴定、专家评审…); a calendar-day limit that ends on a rest day moves to
the next working day.

The events come from `{source}`: a CSV reader (batch) or a small table (streaming), read once into `ev`,
each joined to its step's number (`sid`, NULL for an unknown step) and its date's serial as it is read.
Speed (the batch benchmark checks a million events): the case facts (first day, completion) come from one
grouping; a known step's predecessor (none for the case's first known step), its date's serial, the next
step's time and the case's completion come from one window over narrow rows (step numbers, not codes: a
step's power, code, limit and kind are joined back from `steps` where a rule needs them, and a finding's
names only at the end).

Besides the findings, the query returns one row of rule `SPAN` (sorted first): the events and cases read,
and the first and last dates the check relies on (as day numbers), so that the caller refuses a log that
reaches a year the calendar lacks.
"""

from __future__ import annotations

SPAN = "~span"

RULES_SQL = """
WITH
ev AS MATERIALIZED (
    SELECT e.case_id, e.power_code, e.activity, e.ts, e.resource, e.amount, e.violation, e.suspend_from,
           e.suspend_to, e.completes, s.sid, cd.serial
    FROM ({source}) e
    LEFT JOIN steps s ON s.power_code = e.power_code AND s.step_code = e.activity
    LEFT JOIN cal cd ON cd.d = CAST(e.ts AS DATE)
),
-- The known steps, narrow: what a step is (power, code, limit, start or end) is joined back from `steps` by
-- its number where a rule needs it, as carrying it through the window's sort doubled the window's cost.
kev AS (
    SELECT case_id, sid, ts, serial, resource,
           lag(sid) OVER w AS prev_sid,
           lag(ts) OVER w AS prev_ts,
           lag(serial) OVER w AS prev_serial,
           lead(ts) OVER w AS next_ts,
           -- Completion as the known steps see it (`kd` corrects it for one sent on an unknown step); over
           -- the whole case, but in the same window as the rest, so that it costs no second partitioning.
           min(ts) FILTER (WHERE completes)
               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS done_known
    FROM ev WHERE sid IS NOT NULL
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, sid)
),
cases AS (
    SELECT case_id, any_value(power_code) AS power_code, CAST(min(ts) AS DATE) AS a,
           CAST(max(ts) AS DATE) AS last_d, max(suspend_to) AS last_suspended,
           min(ts) FILTER (WHERE completes) AS done_ts, count(*) AS events
    FROM ev GROUP BY case_id
),
done AS (
    SELECT case_id, done_ts FROM cases WHERE done_ts IS NOT NULL
),
done_unknown AS (
    SELECT case_id, min(ts) AS t FROM ev WHERE completes AND sid IS NULL GROUP BY case_id
),
-- The known steps with their case's completion time (a join with a tiny table, not with every case).
kd AS (
    SELECT kev.*, CASE WHEN u.t IS NULL THEN kev.done_known ELSE least(u.t, kev.done_known) END AS done_ts
    FROM kev LEFT JOIN done_unknown u USING (case_id)
),
spans AS (
    SELECT DISTINCT case_id, suspend_from AS f, suspend_to AS t
    FROM ev WHERE suspend_from IS NOT NULL AND suspend_to IS NOT NULL
),
susp AS (
    SELECT s.case_id,
           sum(ct.serial - cf.serial) AS work_days,
           sum(datediff('day', s.f, s.t) + 1) AS cal_days
    FROM spans s
    JOIN cal cf ON cf.d = s.f - INTERVAL 1 DAY
    JOIN cal ct ON ct.d = s.t
    GROUP BY s.case_id
),
timing AS (
    SELECT c.case_id, c.power_code, c.a, c.done_ts IS NOT NULL AS completed, ce.d AS e,
           p.promised, p.promised_unit, p.statutory, p.statutory_unit, p.days_before,
           ce.serial - ca.serial - coalesce(s.work_days, 0) AS work_used,
           coalesce(s.cal_days, 0) AS cal_susp,
           ce.serial AS e_serial
    FROM cases c
    JOIN powers p USING (power_code)
    JOIN cal ca ON ca.d = c.a
    JOIN cal ce ON ce.d = coalesce(CAST(c.done_ts AS DATE), CAST($today AS DATE))
    LEFT JOIN susp s USING (case_id)
),
due AS (
    SELECT t.*,
           CASE WHEN t.promised IS NULL THEN NULL
                WHEN t.promised_unit = 'calendar' THEN pd.serial - t.e_serial
                ELSE t.promised - t.work_used END AS promised_left,
           CASE WHEN t.promised IS NULL THEN FALSE
                WHEN t.promised_unit = 'calendar' THEN t.e > pn.next_work
                ELSE t.work_used > t.promised END AS promised_over,
           CASE WHEN t.statutory IS NULL THEN FALSE
                WHEN t.statutory_unit = 'calendar' THEN t.e > sn.next_work
                ELSE t.work_used > t.statutory END AS statutory_over
    FROM timing t
    LEFT JOIN cal pn
        ON t.promised_unit = 'calendar' AND pn.d = t.a + CAST(t.promised + t.cal_susp AS INTEGER)
    LEFT JOIN cal pd ON pd.d = pn.next_work
    LEFT JOIN cal sn
        ON t.statutory_unit = 'calendar' AND sn.d = t.a + CAST(t.statutory + t.cal_susp AS INTEGER)
),
step_time AS (
    SELECT kev.case_id, kev.sid, kev.resource, s.lim,
           CASE WHEN s.unit = 'calendar'
                THEN datediff('day', CAST(kev.prev_ts AS DATE), CAST(kev.ts AS DATE))
                ELSE kev.serial - kev.prev_serial END AS days,
           CASE WHEN s.unit = 'calendar' THEN CAST(kev.ts AS DATE) > cn.next_work
                ELSE kev.serial - kev.prev_serial > s.lim END AS over
    FROM kev
    JOIN steps s ON s.sid = kev.sid AND s.lim IS NOT NULL
    LEFT JOIN cal cn
        ON cn.d = CASE WHEN s.unit = 'calendar'
                       THEN CAST(kev.prev_ts AS DATE) + CAST(s.lim AS INTEGER) END
    WHERE kev.prev_sid IS NOT NULL
),
-- The events on steps of a separation pair, with a person (the pairs' self-join is then over these alone).
paired AS (
    SELECT case_id, sid, resource FROM ev
    WHERE resource <> '' AND sid IN (SELECT a FROM seps UNION ALL SELECT b FROM seps)
),
-- Findings on known steps, by step number (named below).
kfound AS (
    SELECT case_id, sid, 'skipped_step' AS rule, resource, NULL::DOUBLE AS n1, NULL::DOUBLE AS n2
    FROM kev JOIN steps s USING (sid) WHERE kev.prev_sid IS NULL AND NOT s.is_start
    UNION ALL
    SELECT kev.case_id, kev.sid,
           CASE WHEN r.src IS NOT NULL THEN 'skipped_step' ELSE 'out_of_order' END, kev.resource, NULL, NULL
    FROM kev
    LEFT JOIN trans t ON t.src = kev.prev_sid AND t.dst = kev.sid
    LEFT JOIN reach r ON r.src = kev.prev_sid AND r.dst = kev.sid
    WHERE kev.prev_sid IS NOT NULL AND t.src IS NULL
    UNION ALL
    SELECT case_id, sid, 'skipped_step', resource, NULL, NULL
    FROM kd JOIN steps s USING (sid)
    WHERE ts <= done_ts AND (next_ts IS NULL OR next_ts > done_ts) AND NOT s.is_end
    UNION ALL
    SELECT case_id, sid, 'step_overdue', resource, days, lim
    FROM step_time WHERE over
    UNION ALL
    SELECT case_id, sid, 'reopened', resource, NULL, NULL
    FROM kd WHERE ts > done_ts
    UNION ALL
    SELECT DISTINCT e2.case_id, e2.sid, 'separation', e2.resource, NULL, NULL
    FROM paired e1
    JOIN seps p ON p.a = e1.sid
    JOIN paired e2 ON e2.case_id = e1.case_id AND e2.sid = p.b AND e2.resource = e1.resource
    UNION ALL
    SELECT ev.case_id, ev.sid, 'wrong_post', ev.resource, NULL, NULL
    FROM ev
    JOIN people pe ON pe.resource = ev.resource
    JOIN steps s ON s.sid = ev.sid AND s.post_id IS NOT NULL
    LEFT JOIN held h ON h.resource = ev.resource AND h.post_id = s.post_id
         AND h.start_d <= CAST(ev.ts AS DATE)
         AND (h.end_d IS NULL OR h.end_d >= CAST(ev.ts AS DATE))
    WHERE h.resource IS NULL
),
found AS (
    SELECT k.case_id, s.power_code, k.rule, s.step_code, k.resource, k.n1, k.n2, NULL::DOUBLE AS n3
    FROM kfound k JOIN steps s USING (sid)
    UNION ALL
    SELECT case_id, power_code, 'unknown_step', activity, resource, NULL, NULL, NULL
    FROM ev WHERE sid IS NULL
    UNION ALL
    SELECT case_id, power_code, 'near_promised', '', '', work_used, promised, promised_left
    FROM due WHERE NOT completed AND NOT promised_over AND promised_left BETWEEN 0 AND days_before
    UNION ALL
    SELECT case_id, power_code, 'promised_exceeded', '', '', work_used, promised, NULL
    FROM due WHERE promised_over
    UNION ALL
    SELECT case_id, power_code, 'statutory_exceeded', '', '', work_used, statutory, NULL
    FROM due WHERE statutory_over
    UNION ALL
    SELECT ev.case_id, ev.power_code, 'discretion', ev.activity, ev.resource, ev.amount, x.lo, x.hi
    FROM ev JOIN disc x ON x.power_code = ev.power_code AND x.violation = ev.violation
    WHERE ev.amount IS NOT NULL
      AND ((x.lo IS NOT NULL AND ev.amount < x.lo) OR (x.hi IS NOT NULL AND ev.amount > x.hi))
    UNION ALL
    SELECT ev.case_id, ev.power_code, 'reopened', ev.activity, ev.resource, NULL, NULL, NULL
    FROM ev JOIN done USING (case_id) WHERE ev.sid IS NULL AND ev.ts > done.done_ts
)
SELECT case_id, power_code, rule, step_code, min(resource) AS resource, max(n1) AS n1, max(n2) AS n2,
       max(n3) AS n3
FROM found
WHERE NOT EXISTS (SELECT 1 FROM off WHERE off.power_code = found.power_code AND off.rule = found.rule)
GROUP BY case_id, power_code, rule, step_code
UNION ALL
SELECT '', '', '~span', CAST(coalesce(sum(events), 0) AS VARCHAR), CAST(count(*) AS VARCHAR),
       datediff('day', DATE '1970-01-01', min(a)),
       datediff('day', DATE '1970-01-01', max(last_d)),
       datediff('day', DATE '1970-01-01', max(last_suspended))
FROM cases
ORDER BY case_id, rule, step_code
"""
