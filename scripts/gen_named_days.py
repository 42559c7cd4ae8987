#!/usr/bin/env python3
"""Generate config/named_days.toml: the dates of named days of the Islamic,
Hebrew, Hindu and Buddhist calendars, which no closed formula gives.

Provenance (PyPI): hijridate 2.6 (Umm al-Qura calendar, 1937-2076),
convertdate 2.5 (arithmetical Hebrew calendar), holidays 0.109
(holidays.calendars.hindu / buddhist: tables of Hindu lunisolar festivals,
mostly 2001-2035; Diwali, Thaipusam and Vesak 1901-2100).

Usage: pip install hijridate convertdate holidays
       python3 scripts/gen_named_days.py > config/named_days.toml
Aliases are written here; edit them here (or in the TOML) and regenerate.
"""
import datetime as dt
from hijridate import Hijri, Gregorian
from convertdate import hebrew
from holidays.calendars.hindu import _HinduLunisolar as H
from holidays.calendars.buddhist import _BuddhistLunisolar as B

Y0, Y1 = 1940, 2060
D = dt.date
day = dt.timedelta(days=1)


def hijri(m, d, off=0):
    out = []
    lo = Gregorian(max(Y0, 1938), 1, 1).to_hijri().year
    hi = Gregorian(min(Y1, 2076), 12, 31).to_hijri().year
    for hy in range(lo, hi + 1):
        try:
            g = Hijri(hy, m, d).to_gregorian()
        except Exception:
            continue
        out.append(D(g.year, g.month, g.day) + off * day)
    return out


def last_friday_before_fitr():
    out = []
    for g in hijri(10, 1):
        x = g - day
        while x.weekday() != 4:
            x -= day
        out.append(x)
    return out


def heb(m, d, off=0, adar=False, shift=None):
    """Hebrew month m (1 Nisan … 7 Tishrei … 12 Adar, 13 Adar II) day d;
    `adar`: Adar II in leap years; `shift(date)` moves a day by weekday rules."""
    out = []
    for gy in range(Y0, Y1 + 1):
        hy = gy + 3760 if m < 7 or m >= 11 else gy + 3761
        if m in (11, 12, 13) or m < 7:
            hy = gy + 3760
        mm = m
        if adar and hebrew.leap(hy):
            mm = 13
        try:
            g = D(*hebrew.to_gregorian(hy, mm, d))
        except Exception:
            continue
        if g.year != gy:
            continue
        g = g + off * day
        if shift:
            g = shift(g)
        out.append(g)
    return out


def tisha_bav_shift(g):
    return g + day if g.weekday() == 5 else g  # 9 Av on Shabbat: Sunday


def yom_hashoah_shift(g):
    if g.weekday() == 4:  # Friday -> Thursday
        return g - day
    if g.weekday() == 6:  # Sunday -> Monday
        return g + day
    return g


def yom_haatzmaut_shift(g):
    # 5 Iyar: Fri/Sat -> the Thursday before; Monday -> Tuesday.
    if g.weekday() == 4:
        return g - day
    if g.weekday() == 5:
        return g - 2 * day
    if g.weekday() == 0:
        return g + day
    return g


def hindu(table, off=0, fallback=None):
    out = []
    for y, (m, d) in sorted(table.items()):
        if Y0 <= y <= Y1:
            out.append(D(y, m, d) + off * day)
    if fallback:
        have = {x.year for x in out}
        for y, (m, d) in sorted(fallback.items()):
            if Y0 <= y <= Y1 and y not in have:
                out.append(D(y, m, d) + off * day)
    return sorted(out)


# (name, rule, eve, aliases, dates). `eve`: the day begins at sunset the
# evening before (the Hebrew calendar), which some sources date it by.
DAYS = [
    ("Islamic New Year", "hijri 1 Muharram", False,
     ["islamic new year", "hijri new year", "arabic new year", "muharram new year",
      "amun jadid", "伊斯兰新年", "伊斯兰教新年", "伊斯兰历新年", "回历新年"], hijri(1, 1)),
    ("Ashura", "hijri 10 Muharram", False,
     ["day of ashura", "ashura", "ashoura", "阿舒拉节", "阿舒拉日"], hijri(1, 10)),
    ("Mawlid", "hijri 12 Rabi al-Awwal", False,
     ["mawlid al-nabi", "mawlid an-nabi", "mawlid al-nabawi", "mawlid", "mawlud",
      "milad un nabi", "milad-un-nabi", "eid milad un nabi", "prophet's birthday",
      "the prophet's birthday", "圣纪节", "圣纪日", "穆圣诞辰"], hijri(3, 12)),
    ("Isra and Mi'raj", "hijri 27 Rajab", False,
     ["isra and mi'raj", "isra' and mi'raj", "isra and miraj", "isra wal miraj",
      "al-isra wal-miraj", "lailat al miraj", "shab-e-miraj", "the prophet's ascension",
      "prophet's ascension", "the night journey", "night journey", "ascension to heaven",
      "登霄节", "夜行登霄节"], hijri(7, 27)),
    ("Ramadan", "hijri 1 Ramadan", False,
     ["ramadan", "ramadhan", "ramazan", "ramzan", "斋月", "莱麦丹月"], hijri(9, 1)),
    ("Laylat al-Qadr", "hijri 27 Ramadan", False,
     ["laylat al-qadr", "laylat al qadr", "laylat al-kadr", "laylat al kadr",
      "lailat al-qadr", "lailat al qadr", "night of power", "night of measures",
      "night of decree", "night of destiny", "shab-e-qadr", "法令之夜", "权力之夜",
      "盖德尔夜", "盖德尔之夜"], hijri(9, 27)),
    ("Jumu'atul-Wida", "the last Friday before 1 Shawwal", False,
     ["jumu'atul-wida", "jumu'atul wida", "jamat ul-vida", "jamat-ul-vida",
      "jumat ul-vida", "jumat-ul-vida", "jummat ul-vida", "alvida jumma"], last_friday_before_fitr()),
    ("Eid al-Fitr", "hijri 1 Shawwal", False,
     ["eid al-fitr", "eid al fitr", "eid ul-fitr", "eid ul fitr", "eid-ul-fitr",
      "id al-fitr", "id ul-fitr", "eid el-fitr", "ramadan bayram", "ramazan bayramı",
      "hari raya aidilfitri", "hari raya puasa", "lebaran", "开斋节", "肉孜节", "尔代节", "爾代节"],
     hijri(10, 1)),
    ("Day of Arafah", "hijri 9 Dhu al-Hijjah", False,
     ["day of arafah", "day of arafat", "arafat day", "arafah day", "阿拉法特日"], hijri(12, 9)),
    ("Eid al-Adha", "hijri 10 Dhu al-Hijjah", False,
     ["eid al-adha", "eid al adha", "eid ul-adha", "eid ul adha", "eid-ul-adha", "id ul-adha",
      "id al-adha", "eid el-adha", "bakr id", "bakr-id", "bakrid", "bakra eid", "bakra id",
      "sacrifice feast", "feast of sacrifice", "feast of the sacrifice", "kurban bayram",
      "hari raya haji", "古尔邦节", "宰牲节", "忠孝节"], hijri(12, 10)),
    # Hebrew calendar (days begin at sunset; `eve` marks that).
    ("Rosh Hashanah", "hebrew 1 Tishrei", True,
     ["rosh hashanah", "rosh hashana", "rosh hashonah", "rosh ha-shanah", "jewish new year",
      "犹太新年", "犹太历新年", "吹角节"], heb(7, 1)),
    ("Yom Kippur", "hebrew 10 Tishrei", True,
     ["yom kippur", "yom kipur", "day of atonement", "赎罪日", "赎罪节"], heb(7, 10)),
    ("Sukkot", "hebrew 15 Tishrei", True,
     ["sukkot", "succot", "sukkos", "feast of tabernacles", "feast of booths", "住棚节", "结茅节"],
     heb(7, 15)),
    ("Shemini Atzeret", "hebrew 22 Tishrei", True,
     ["shemini atzeret", "shmini atzeret", "shemini atzereth", "圣会节", "圣会日"], heb(7, 22)),
    ("Simchat Torah", "hebrew 23 Tishrei (diaspora)", True,
     ["simchat torah", "simchas torah", "simhat torah", "simchat tora", "西赫托拉节",
      "西赫妥拉节", "诵经节", "誦經节", "转经节", "轉經节", "律法节", "欢庆圣法节", "歡慶圣法节"],
     heb(7, 23)),
    ("Hanukkah", "hebrew 25 Kislev", True,
     ["hanukkah", "chanukah", "hanukah", "chanukkah", "hannukah", "hanukka", "festival of lights",
      "光明节", "哈努卡节", "修殿节", "献殿节"], heb(9, 25)),
    ("Tu BiShvat", "hebrew 15 Shevat", True,
     ["tu bishvat", "tu b'shvat", "tu b'shevat", "tu bi-shvat", "tu bishevat", "tu bshvat",
      "犹太植树节", "猶太植樹节", "图比舍巴特节", "圖比舍巴特节", "树木新年", "樹木新年"],
     heb(11, 15)),
    ("Purim", "hebrew 14 Adar (Adar II in leap years)", True,
     ["purim", "普珥节", "普林节", "普陵节"], heb(12, 14, adar=True)),
    ("Shushan Purim", "hebrew 15 Adar (Adar II in leap years)", True,
     ["shushan purim", "书珊普珥节"], heb(12, 15, adar=True)),
    ("Passover", "hebrew 15 Nisan", True,
     ["passover", "pesach", "pesah", "pessach", "逾越节"], heb(1, 15)),
    ("Yom HaShoah", "hebrew 27 Nisan (Friday: Thursday; Sunday: Monday)", True,
     ["yom hashoah", "yom ha-shoah", "yom hashoa", "holocaust day", "holocaust remembrance day",
      "大屠杀纪念日", "大屠杀遇难者纪念日"], heb(1, 27, shift=yom_hashoah_shift)),
    ("Yom Ha'atzmaut", "hebrew 5 Iyar (moved off Fri/Sat/Mon)", True,
     ["yom ha'atzmaut", "yom haatzmaut", "yom ha-atzmaut", "israel independence day",
      "israeli independence day", "以色列独立日", "以色列獨立日", "以色列国庆节", "以色列國慶节",
      "以色列国庆日"], heb(2, 5, shift=yom_haatzmaut_shift)),
    ("Lag BaOmer", "hebrew 18 Iyar", True,
     ["lag baomer", "lag b'omer", "lag ba'omer", "lag ba omer", "lag bomer", "犹太教篝火节",
      "猶太教篝火节", "篝火节"], heb(2, 18)),
    ("Shavuot", "hebrew 6 Sivan", True,
     ["shavuot", "shavuos", "shavuoth", "feast of weeks", "七七节", "五旬节 (犹太)"], heb(3, 6)),
    ("Tisha B'Av", "hebrew 9 Av (Shabbat: Sunday)", True,
     ["tisha b'av", "tisha bav", "tisha b av", "tisha be'av", "tish'a b'av", "圣殿被毁日",
      "聖殿被毁日", "禁食日"], heb(5, 9, shift=tisha_bav_shift)),
    # Hindu lunisolar festivals (holidays' tables; Indian dates).
    ("Diwali", "hindu: Amavasya of Kartika (Ashvin)", False,
     ["diwali", "deepavali", "divali", "deepawali", "dipawali", "lakshmi puja", "laxmi puja",
      "排灯节", "万灯节", "印度灯节", "印度燈节", "屠妖节", "光明节 (印度)"],
     hindu(H.DIWALI_INDIA_DATES, fallback=H.DIWALI_DATES)),
    ("Dhanteras", "two days before Diwali", False,
     ["dhanteras", "dhanatrayodashi", "dhantrayodashi", "dhan teras"],
     hindu(H.DIWALI_INDIA_DATES, -2, H.DIWALI_DATES)),
    ("Naraka Chaturdashi", "the day before Diwali", False,
     ["naraka chaturdashi", "narak chaturdashi", "kali chaudas", "choti diwali", "chhoti diwali",
      "roop chaudas"], hindu(H.DIWALI_INDIA_DATES, -1, H.DIWALI_DATES)),
    ("Govardhan Puja", "the day after Diwali", False,
     ["govardhan puja", "annakut", "padwa"], hindu(H.DIWALI_INDIA_DATES, 1, H.DIWALI_DATES)),
    ("Bhai Dooj", "two days after Diwali", False,
     ["bhai dooj", "bhaiya dooj", "bhai duj", "bhai tika", "bhau beej", "bhai phonta",
      "bhratri dwitiya"], hindu(H.DIWALI_INDIA_DATES, 2, H.DIWALI_DATES)),
    ("Chhath", "hindu: Shashthi of Kartika", False,
     ["chhath puja", "chhath", "chhathi", "dala puja", "dala chhath", "surya shashthi",
      "surya sashti", "克哈特普迦节"], hindu(H.CHHATH_PUJA_DATES)),
    ("Maha Saptami", "the day before Maha Ashtami", False,
     ["maha saptami", "durga saptami"], hindu(H.MAHA_ASHTAMI_DATES, -1)),
    ("Maha Ashtami", "hindu", False, ["maha ashtami", "durga ashtami"], hindu(H.MAHA_ASHTAMI_DATES)),
    ("Maha Navami", "hindu", False, ["maha navami"], hindu(H.MAHA_NAVAMI_DATES)),
    ("Navaratri", "hindu: Sharad Navaratri's first day", False,
     ["navaratri", "navratri", "sharad navratri", "sharad navaratri", "durga puja"],
     hindu(H.SHARAD_NAVRATRI_DATES)),
    ("Dussehra", "hindu: Dashami of Ashvin", False,
     ["dussehra", "dasara", "dussera", "dasera", "vijayadashami", "vijaya dashami",
      "vijayadasami", "十胜节", "凯旋节", "十胜日"], hindu(H.DUSSEHRA_DATES)),
    ("Karva Chauth", "hindu", False,
     ["karva chauth", "karwa chauth", "karva chouth", "karaka chaturthi"],
     hindu(H.KARWA_CHAUTH_DATES)),
    ("Rath Yatra", "hindu", False,
     ["ratha-yatra", "ratha yatra", "rath yatra", "rathayatra", "chariot festival"],
     hindu(H.RATH_YATRA_DATES)),
    ("Raksha Bandhan", "hindu: Purnima of Shravana", False,
     ["raksha bandhan", "rakhi", "rakhri", "印度兄妹节", "拉克沙班丹节", "拉克沙班丹"],
     hindu(H.RAKSHA_BANDHAN_DATES)),
    ("Mahavir Jayanti", "hindu", False,
     ["mahavir jayanti", "mahaveer jayanti", "mahavir janma kalyanak",
      "mahaveer janma kalyanak", "mahavira jayanti", "mahavira's birthday"],
     hindu(H.MAHAVIR_JAYANTI_DATES)),
    ("Maha Shivaratri", "hindu", False,
     ["maha shivaratri", "maha shivratri", "mahashivratri", "mahashivaratri", "shivaratri",
      "shivratri"], hindu(H.MAHA_SHIVARATRI_DATES)),
    ("Pongal", "hindu: Thai 1", False,
     ["thai pongal", "pongal", "makara sankranthi", "印度丰收节", "庞格尔节", "龐格尔节",
      "淡米尔丰收节", "淡米爾豐收节"], hindu(H.PONGAL_DATES)),
    ("Bhogi", "the day before Pongal", False,
     ["bogi pandigai", "bhogi pandigai", "bhogi", "bogi"], hindu(H.PONGAL_DATES, -1)),
    ("Mattu Pongal", "the day after Pongal", False,
     ["maattu pongal", "mattu pongal", "maatu pongal"], hindu(H.PONGAL_DATES, 1)),
    ("Kaanum Pongal", "two days after Pongal", False,
     ["kaanum pongal", "kanum pongal", "kanni pongal"], hindu(H.PONGAL_DATES, 2)),
    ("Makar Sankranti", "hindu: the sun enters Capricorn", False,
     ["makar sankranti", "makara sankranti", "maghi", "sankranti", "uttarayan"],
     hindu(H.MAKAR_SANKRANTI_DATES)),
    ("Vaisakhi", "hindu: the sun enters Aries", False,
     ["vaisakhi", "baisakhi", "vasakhi", "vaishakhi", "vaisakhdi"], hindu(H.VAISAKHI_DATES)),
    ("Onam", "hindu: Thiruvonam of Chingam", False,
     ["thiru onam", "thiruvonam", "onam"], hindu(H.ONAM_DATES)),
    ("Vasant Panchami", "hindu", False,
     ["vasant panchami", "basant panchami", "saraswati puja", "shri panchami"],
     hindu(H.BASANT_PANCHAMI_DATES)),
    ("Holika Dahan", "the day before Holi", False,
     ["holika dahan", "chhoti holi", "choti holi", "kamudu pyre", "holika"], hindu(H.HOLI_DATES, -1)),
    ("Holi", "hindu: the day after Phalguna Purnima", False,
     ["holi", "dhulandi", "dhuleti", "dhulivandan", "phagwah", "rangwali holi", "侯丽节",
      "荷丽节", "荷麗节", "洒红节", "灑紅节", "欢悦节", "五彩节", "胡里节", "好利节", "霍利节"],
     hindu(H.HOLI_DATES)),
    ("Janmashtami", "hindu", False,
     ["krishna janmashtami", "janmashtami", "gokulashtami", "krishna jayanti", "krishnashtami"],
     hindu(H.JANMASHTAMI_DATES)),
    ("Ganesh Chaturthi", "hindu", False,
     ["ganesh chaturthi", "ganesha chaturthi", "vinayaka chaturthi", "vinayagar chathurthi"],
     hindu(H.GANESH_CHATURTHI_DATES)),
    ("Rama Navami", "hindu", False,
     ["rama navami", "ram navami", "sri rama navami"], hindu(H.RAM_NAVAMI_DATES)),
    ("Ugadi", "hindu: Chaitra Shukla Pratipada", False,
     ["ugadi", "yugadi", "samvatsaradi", "chaitra sukladi", "chaitra sukhladi", "gudi padwa"],
     hindu(H.GUDI_PADWA_DATES)),
    ("Valmiki Jayanti", "hindu", False,
     ["maharishi valmiki jayanti", "valmiki jayanti", "pargat diwas"],
     hindu(H.MAHARSHI_VALMIKI_JAYANTI_DATES)),
    ("Guru Nanak Jayanti", "hindu", False,
     ["guru nanak jayanti", "guru nanak's birthday", "gurpurab", "guru parab"],
     hindu(H.GURU_NANAK_JAYANTI_DATES)),
    ("Hanuman Jayanti", "hindu", False, ["hanuman jayanti"], hindu(H.HANUMAN_JAYANTI_DATES)),
    ("Guru Purnima", "hindu", False, ["guru purnima"], hindu(H.GURU_PURNIMA_DATES)),
    ("Thaipusam", "hindu", False, ["thaipusam", "thaipoosam", "大宝森节"], hindu(H.THAIPUSAM_DATES)),
    ("Rabindra Jayanti", "Pohela Boishakh + 24 days (25 Boishakh)", False,
     ["rabindranath jayanti", "rabindra jayanti", "rabindra jayonti", "pochishe boishakh"],
     hindu(H.POHELA_BOISHAKH_DATES, 24)),
    ("Vesak", "buddhist: the full moon of Vesak", False,
     ["vesak", "vesakha", "vaisakha", "wesak", "visakha bucha", "buddha day", "buddha purnima",
      "buddha jayanti", "卫塞节", "衛塞节", "威瑟节", "比萨宝蕉节", "比薩寶蕉节", "佛陀日"],
     hindu(B.VESAK_MAY_DATES)),
]


def main():
    print("# Named days of the Islamic, Hebrew, Hindu and Buddhist calendars, for")
    print("# resolving \"Eid al-Fitr 2018\", \"diwali\", \"赎罪日\"... (src/core/calendar/named.rs).")
    print("# Generated by scripts/gen_named_days.py (see its docstring for sources:")
    print("# PyPI hijridate 2.6 Umm al-Qura, convertdate 2.5 Hebrew, holidays 0.109")
    print("# Hindu/Buddhist tables). Years covered vary by calendar; see each list.")
    print("# Edit aliases or dates by hand if needed: aliases are matched on folded")
    print("# text (lower-case, simplified Chinese); `eve = true` marks a day that")
    print("# begins at sunset the evening before (the Hebrew calendar).")
    for name, rule, eve, aliases, dates in DAYS:
        aliases = [a for a in aliases if "(" not in a]
        print()
        print("[[day]]")
        print(f'name = "{name}"')
        print(f'rule = "{rule}"')
        print(f"eve = {'true' if eve else 'false'}")
        print("aliases = [" + ", ".join('"' + a + '"' for a in aliases) + "]")
        ds = sorted(set(dates))
        print("dates = [")
        for i in range(0, len(ds), 8):
            print("  " + " ".join(f'"{d.isoformat()}",' for d in ds[i:i + 8]))
        print("]")


main()
