#!/usr/bin/env python3
"""Generates the example data in examples/data/ deterministically (fixed seed).

A community of 120 residents and party members over 2026: volunteering logged by
organisers (most verified, some not yet), a few revoked records, weekend and
holiday service, and a couple of typos in `kind` as real exports have.

One run writes every shipped pack's data set:

    volunteer.jsonl    rules/volunteer-hours.yaml
    members.jsonl      member profiles (role, joined), for --members
    whistle.jsonl      rules/whistle-and-report.yaml
    mission.jsonl      rules/initial-mission-index.yaml (with --members members.jsonl)
    good-deeds.jsonl   rules/good-deeds.yaml
    ratings.jsonl      rules/community-ratings.yaml

Each data set has its own random stream (derived from the seed), so adding one
never changes another. Like real exports, each has a few mistakes: a typo in
`kind` (counted as unmatched) and a rare malformed value (rejected with a reason).
Field names are Chinese, as each office heads its sheet's columns (the record's
`id`, `member`, `kind` and `date` keep their names): 时长 hours, 核实 verified,
服务类型/组织单位 (volunteering); 办结日 resolved on, 社区, 诉求类型, 吹哨编号, 满意度
(whistles); 学习主题, 会议类型, 出勤, 参会分钟, 星级, 评价人, 情节, 表彰级别 (the index).

    python3 examples/generate.py            # writes examples/data/
    python3 examples/generate.py --records 1000000 --members 10000 --out /tmp/big.jsonl
"""

import argparse
import datetime as dt
import json
import os
import random

ACTIVITIES = ["elder-care", "cleanup", "patrol", "tutoring", "blood-drive", "garbage-sorting", "mediation"]
ORGANISERS = ["xianyou-community", "red-cross", "school-7", "neighbourhood-party-branch"]
ROLES = ["secretary", "committee", "party-member", "resident"]


def members(n):
    return [f"m{i:04d}" for i in range(1, n + 1)]


def volunteer_records(rng, member_ids, count, year=2026):
    start = dt.date(year, 1, 1)
    days = (dt.date(year, 12, 31) - start).days + 1
    # Some members volunteer far more than others, as in any community.
    weights = [rng.paretovariate(1.3) for _ in member_ids]
    chosen = rng.choices(member_ids, weights=weights, k=count)
    records = []
    for i, member in enumerate(chosen, start=1):
        day = start + dt.timedelta(days=rng.randrange(days))
        hours = rng.choice([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 4, 5, 6, 8, 9.5])
        record = {
            "id": f"v{i:07d}",
            "member": member,
            "kind": "volunteer",
            "date": day.isoformat(),
            "时长": hours,
            "核实": rng.random() < 0.93,
            "服务类型": rng.choice(ACTIVITIES),
            "组织单位": rng.choice(ORGANISERS),
        }
        roll = rng.random()
        if roll < 0.003:
            record["kind"] = "volunter"  # a typo: unmatched, and counted as such
        elif roll < 0.006:
            record["kind"] = "volunteer_revoked"
        records.append(record)
    records.sort(key=lambda r: (r["date"], r["id"]))
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=6000)
    parser.add_argument("--members", type=int, default=120)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--out", help="write only the volunteer records to this JSONL file")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    member_ids = members(args.members)
    records = volunteer_records(rng, member_ids, args.records)
    if args.out:
        write_jsonl(args.out, records)
        return
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(here, exist_ok=True)
    write_jsonl(os.path.join(here, "volunteer.jsonl"), records)
    profiles = [{"member": m, "role": rng.choice(ROLES), "joined": f"20{rng.randrange(10, 26)}-0{rng.randrange(1, 10)}-01"}
                for m in member_ids]
    write_jsonl(os.path.join(here, "members.jsonl"), profiles)
    roles = {p["member"]: p["role"] for p in profiles}
    write_jsonl(os.path.join(here, "whistle.jsonl"), whistle_records(random.Random(f"{args.seed}/whistle"), member_ids))
    write_jsonl(os.path.join(here, "mission.jsonl"), mission_records(random.Random(f"{args.seed}/mission"), member_ids, roles))
    write_jsonl(os.path.join(here, "good-deeds.jsonl"), good_deed_records(random.Random(f"{args.seed}/good-deeds")))
    write_jsonl(os.path.join(here, "ratings.jsonl"), rating_records(random.Random(f"{args.seed}/ratings"), member_ids))


# ---- the 2026 calendar (as in the rulebooks) --------------------------------------------

YEAR_START = dt.date(2026, 1, 1)
YEAR_END = dt.date(2026, 12, 31)
HOLIDAYS = [("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07")]
MAKEUP_WORKDAYS = {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}


def _holidays():
    days = set()
    for a, b in HOLIDAYS:
        d, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
        while d <= end:
            days.add(d)
            d += dt.timedelta(days=1)
    return days


HOLIDAY_SET = _holidays()


def is_workday(d):
    if d.isoformat() in MAKEUP_WORKDAYS:
        return True
    return d.weekday() < 5 and d not in HOLIDAY_SET


def add_workdays(d, n):
    """The n-th working day after d (d itself when n == 0)."""
    while n > 0:
        d += dt.timedelta(days=1)
        if is_workday(d):
            n -= 1
    return d


def workdays_between(a, b):
    """Working days d with a < d <= b, as the engine counts them."""
    return sum(1 for k in range(1, (b - a).days + 1) if is_workday(a + dt.timedelta(days=k)))


def random_day(rng, start=YEAR_START, end=YEAR_END, workday=False):
    span = (end - start).days + 1
    while True:
        d = start + dt.timedelta(days=rng.randrange(span))
        if not workday or is_workday(d):
            return d


def quarter_of(d):
    return (d.month - 1) // 3


# ---- 吹哨报到: whistles and their evaluations ------------------------------------------

DEPARTMENTS = {  # handler: (share of whistles, typical working days to resolve)
    "dept-urban": (14, 2.5),        # 城管
    "dept-housing": (10, 4.5),      # 住建
    "dept-water": (7, 3.0),         # 水务
    "dept-police": (9, 1.5),        # 派出所
    "dept-market": (6, 3.5),        # 市场监管
    "dept-environment": (6, 4.0),   # 生态环境
    "dept-traffic": (5, 5.0),       # 交通
    "dept-health": (4, 2.5),        # 卫健
    "dept-civil-affairs": (4, 3.0), # 民政
    "dept-fire": (3, 1.0),          # 消防
    "dept-property": (12, 4.0),     # 物业
    "dept-power": (3, 2.0),         # 供电
}
COMMUNITIES = ["xianyou-1", "xianyou-2", "xianyou-3", "nanmen", "beiyuan", "qiaotou"]
CATEGORIES = ["environment", "safety", "housing", "traffic", "utilities", "disputes", "sanitation"]


def whistle_records(rng, member_ids, count=2100):
    # Party members who take on smaller whistles themselves (a blocked corridor, a broken lamp).
    handlers_m = rng.sample(member_ids, 30)
    handlers = list(DEPARTMENTS) + handlers_m
    weights = [DEPARTMENTS[h][0] for h in DEPARTMENTS] + [rng.uniform(0.3, 1.5) for _ in handlers_m]
    speed = {h: DEPARTMENTS[h][1] for h in DEPARTMENTS}
    speed.update({m: rng.uniform(1.0, 5.0) for m in handlers_m})
    records = []
    for i in range(1, count + 1):
        handler = rng.choices(handlers, weights=weights)[0]
        # Whistles mostly come on working days, and more in summer (rain, heat, repairs).
        while True:
            day = random_day(rng, workday=rng.random() < 0.9)
            if day.month in (6, 7, 8) or rng.random() < 0.8:
                break
        record = {"id": f"w{i:05d}", "member": handler, "kind": "whistle", "date": day.isoformat(),
                  "社区": rng.choice(COMMUNITIES), "诉求类型": rng.choice(CATEGORIES)}
        roll = rng.random()
        if roll < 0.012:
            pass  # never resolved: overdue, deducted
        else:
            wd = max(0, round(rng.expovariate(1 / speed[handler])))
            resolved = add_workdays(day, wd)
            if rng.random() < 0.05:  # closed on a weekend by an on-duty team
                resolved += dt.timedelta(days=1)
            if resolved <= YEAR_END:
                record["办结日"] = resolved.isoformat()
        records.append(record)
        if "办结日" in record and rng.random() < 0.85:
            resolved = dt.date.fromisoformat(record["办结日"])
            lag = rng.choice([0, 1, 1, 2, 2, 3, 4, 5]) if rng.random() < 0.93 else rng.randrange(6, 12)
            evaluated = add_workdays(resolved, lag)
            if evaluated <= YEAR_END:
                fast = workdays_between(day, resolved) <= 5
                satisfaction = rng.choices(["满意", "基本满意", "不满意"],
                                           weights=[75, 20, 5] if fast else [35, 35, 30])[0]
                records.append({"id": f"e{i:05d}", "member": handler, "kind": "whistle_evaluation",
                                "date": evaluated.isoformat(), "吹哨编号": record["id"],
                                "办结日": record["办结日"], "满意度": satisfaction})
    # Mistakes of a real export: a typo in `kind`, a date typed by hand.
    records[37]["kind"] = "whistel"
    records[1201]["kind"] = "whistle_evalution"
    for r in records:
        if r["kind"] == "whistle" and "办结日" in r and r["date"] > "2026-11-01":
            r["办结日"] = r["办结日"].replace("-", "/", 1)  # "2026/11-20": rejected
            break
    records.sort(key=lambda r: (r["date"], r["id"]))
    return records


# ---- 初心使命指数: study, meetings, service, requests, ratings, conduct ----------------

STUDY_TOPICS = ["党章党规", "二十大精神", "党史学习", "理论学习中心组", "廉政教育", "基层治理专题"]
GROUP_MEETING = "党小组会"
BRANCH_MEETING = "支部党员大会"


def mission_records(rng, member_ids, roles):
    records = []
    n = 0

    def add(member, kind, day, **fields):
        nonlocal n
        n += 1
        records.append({"id": f"p{n:06d}", "member": member, "kind": kind, "date": day.isoformat(), **fields})

    def rate(member, e, day):
        if day <= YEAR_END:
            stars = max(1, min(5, round(rng.gauss(3.4 + 1.5 * e, 0.8))))
            add(member, "rating", day, 星级=stars, 评价人=f"r{rng.randrange(1, 800):04d}")

    # How engaged each member is (0–1): most are steady, a few are hardly seen.
    engagement = {m: min(1.0, max(0.05, rng.betavariate(4, 1.6))) for m in member_ids}
    quarters = [(dt.date(2026, 1 + 3 * q, 1), dt.date(2026, 3 + 3 * q, 31 if q in (0, 3) else 30)) for q in range(4)]
    # Meetings: a group meeting every month, a branch meeting each quarter.
    meetings = []
    for month in range(1, 13):
        day = dt.date(2026, month, 1)
        while not (is_workday(day) and day.weekday() == 3):  # second Thursday-ish
            day += dt.timedelta(days=1)
        meetings.append((day + dt.timedelta(days=7), GROUP_MEETING))
        if month % 3 == 0:
            meetings.append((day + dt.timedelta(days=14), BRANCH_MEETING))
    for m in member_ids:
        e = engagement[m]
        for start, end in quarters:
            for _ in range(rng.choices([0, 1, 2, 3, 4, 5], weights=[1, 2, 3, 3 + 6 * e, 2 * e, 1 * e])[0]):
                add(m, "study", random_day(rng, start, end, workday=True), 学习主题=rng.choice(STUDY_TOPICS),
                    时长=rng.choice([1, 1.5, 2, 2, 3]))
            services = rng.choices([0, 1, 2, 3, 4, 5, 6, 8], weights=[1, 2, 3, 3 + 3 * e, 3 * e, 3 * e, 2 * e, e])[0]
            for _ in range(services):
                day = random_day(rng, start, end)
                add(m, "service", day, 时长=rng.choice([1, 1.5, 2, 2, 3, 4, 6]), 核实=rng.random() < 0.92)
                # Residents served often rate the member afterwards.
                if rng.random() < 0.7:
                    rate(m, e, day + dt.timedelta(days=rng.randrange(0, 4)))
            requests = rng.choices([0, 1, 2, 3, 4, 6], weights=[3, 3, 3, 2, 1, 1])[0]
            for _ in range(requests):
                day = random_day(rng, start, end, workday=True)
                fields = {}
                if rng.random() > 0.02:
                    resolved = add_workdays(day, max(0, round(rng.expovariate(1 / (1.5 + 3 * (1 - e))))))
                    if resolved <= YEAR_END:
                        fields["办结日"] = resolved.isoformat()
                add(m, "request", day, **fields)
                # Most residents rate the member who handled their request.
                if "办结日" in fields and rng.random() < 0.85:
                    rate(m, e, dt.date.fromisoformat(fields["办结日"]) + dt.timedelta(days=rng.randrange(0, 4)))
        for day, meeting in meetings:
            roll = rng.random()
            if roll < 0.86 * (0.6 + 0.4 * e):
                minutes = rng.choice([60, 75, 90, 90, 120]) if rng.random() < 0.9 else rng.choice([20, 35, 45])
                add(m, "meeting", day, 会议类型=meeting, 出勤="present", 参会分钟=minutes)
            elif roll < 0.96:
                add(m, "meeting", day, 会议类型=meeting, 出勤="leave", 参会分钟=0)
            else:
                add(m, "meeting", day, 会议类型=meeting, 出勤="absent", 参会分钟=0)
        for _ in range(rng.choices([0, 1, 2], weights=[8, 2 * (1 - e) + 0.2, 1 - e])[0]):
            add(m, "late_report", random_day(rng, workday=True))
    # Conduct: a few minor violations, one serious; some commendations.
    for m in rng.sample(member_ids, 5):
        add(m, "violation", random_day(rng, workday=True), 情节="minor")
    # The serious case is, as it often is, someone whose record otherwise looks good.
    add(sorted(member_ids, key=lambda m: -engagement[m])[rng.randrange(3)], "violation", dt.date(2026, 8, 18),
        情节="serious")
    for m in rng.sample(member_ids, 12):
        add(m, "commendation", random_day(rng, workday=True), 表彰级别=rng.choice(["community", "community", "district", "city"]))
    records.sort(key=lambda r: (r["date"], r["id"]))
    # Mistakes: a typo in `kind`, and minutes typed with their unit.
    records[500]["kind"] = "studdy"
    for r in records[2000:]:
        if r["kind"] == "meeting" and r["出勤"] == "present":
            r["参会分钟"] = f"{r['参会分钟']}分钟"
            break
    return records


# ---- 道德银行: good deeds, micro-wishes, mediation, elder help -------------------------
# Field names in Chinese, as an office keeps them: 善行 (the deed), 核实 (confirmed by
# the grid worker), 心愿 (the wish), 状态 (its status), 结果 (a mediation's outcome),
# 时长 (hours).

DEEDS = ["帮邻居取快递", "清理楼道杂物", "照看邻居孩子", "捡到钱包归还", "为独居老人买菜", "修理单元门",
         "垃圾分类督导", "扶老人过马路", "给流浪猫搭窝", "帮忙搬家"]
WISHES = ["书包", "冬衣", "轮椅", "台灯", "助听器", "陪伴就医", "理发上门", "学习用品", "电饭煲", "老花镜"]


def good_deed_records(rng, residents=200):
    ids = [f"r{i:04d}" for i in range(1, residents + 1)]
    records = []
    n = 0

    def add(member, kind, day, **fields):
        nonlocal n
        n += 1
        records.append({"id": f"g{n:06d}", "member": member, "kind": kind, "date": day.isoformat(), **fields})

    # 月行一善: some residents never miss a month, many start strong and drift, a few join late.
    for r in ids:
        p = rng.choice([0.95, 0.85, 0.7, 0.5, 0.3, 0.15, 0.05])
        first = rng.choice([1, 1, 1, 1, 2, 3, 5, 7])
        for month in range(first, 13):
            if rng.random() < p:
                for _ in range(rng.choices([1, 2, 3, 4], weights=[6, 3, 1, 0.5])[0]):
                    day = random_day(rng, dt.date(2026, month, 1),
                                     dt.date(2026, month % 12 + 1, 1) - dt.timedelta(days=1) if month < 12 else YEAR_END)
                    add(r, "good_deed", day, 善行=rng.choice(DEEDS), 核实=rng.random() < 0.94)
    # 微心愿: claimed mostly by a few generous residents.
    weights = [rng.paretovariate(1.2) for _ in ids]
    for _ in range(420):
        r = rng.choices(ids, weights=weights)[0]
        status = rng.choices(["fulfilled", "pending", "cancelled"], weights=[80, 12, 8])[0]
        add(r, "micro_wish", random_day(rng), 心愿=rng.choice(WISHES), 状态=status)
    # 调解: a dozen trusted mediators.
    mediators = rng.sample(ids, 12)
    for _ in range(160):
        add(rng.choice(mediators), "mediation", random_day(rng),
            结果=rng.choices(["settled", "partial", "failed"], weights=[65, 25, 10])[0],
            时长=rng.choice([0.5, 1, 1.5, 2, 3, 4]))
    # 助老: regular helpers, some of them weekly.
    helpers = rng.sample(ids, 60)
    for h in helpers:
        for _ in range(rng.randrange(2, 30)):
            add(h, "elder_help", random_day(rng), 时长=rng.choice([1, 1.5, 2, 2, 3, 4, 5]),
                核实=rng.random() < 0.9)
    for _ in range(110):
        add(rng.choice(ids), "praise_letter", random_day(rng))
    records.sort(key=lambda r: (r["date"], r["id"]))
    # Mistakes: a typo in `kind`, hours written in words.
    records[120]["kind"] = "good-deed"
    for r in records[1500:]:
        if r["kind"] == "elder_help":
            r["时长"] = "两小时"
            break
    return records


# ---- 群众满意度评价: residents rate who handled their request ---------------------------

def rating_records(rng, member_ids):
    # Field names in Chinese, as the office's sheet heads them: 评价对象 (who is rated),
    # 星级 (1–5 stars), 诉求 (the request handled), 渠道 (how the rating came in).
    subjects = list(DEPARTMENTS) + member_ids[:60]
    quality = {s: rng.uniform(3.2, 4.9) for s in subjects}
    volume = {s: rng.paretovariate(1.1) for s in subjects}
    raters = [f"r{i:04d}" for i in range(1, 901)]
    records = []
    for i in range(1, 3301):
        subject = rng.choices(subjects, weights=[volume[s] for s in subjects])[0]
        stars = max(1, min(5, round(rng.gauss(quality[subject], 0.9))))
        records.append({"id": f"s{i:05d}", "member": rng.choice(raters), "kind": "rating",
                        "date": random_day(rng).isoformat(), "评价对象": subject, "星级": stars,
                        "诉求": f"q{rng.randrange(1, 99999):05d}",
                        "渠道": rng.choices(["app", "12345", "visit"], weights=[6, 3, 1])[0]})
    records.sort(key=lambda r: (r["date"], r["id"]))
    # Mistakes: a 6 typed for a 5 (outside the scale: rejected), a typo in `kind`.
    records[800]["星级"] = 6
    records[2400]["kind"] = "ratng"
    return records


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
