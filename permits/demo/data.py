"""Demo data for the ``seed-demo`` command.

Pure data: organisations, filming sites, producer companies and users of the
film production permit system of Azerbaijan's film commission.  Site names,
descriptions and coordinates describe real places; organisations' e-mail
addresses and phone numbers, companies and people are fictional demo values.
All e-mail addresses use the non-routable ``demo.filmpermit.test`` domain.
"""

import datetime
from decimal import Decimal

DEMO_DOMAIN = "demo.filmpermit.test"

# The same memorable passphrase is used for every demo account.
DEMO_PASSWORD = "film-permit-demo-2027"  # noqa: S105  (demo accounts only)

ORGANISATIONS = [
    {
        "key": "ministry",
        "kind": "ministry",
        "name_az": "Azərbaycan Respublikası Mədəniyyət Nazirliyi — Film Komissiyası",
        "name_en": "Ministry of Culture of the Republic of Azerbaijan — Film Commission",
        "name_ru": "Министерство культуры Азербайджанской Республики — Кинокомиссия",
        "email": "film-commission@demo.filmpermit.test",
        "phone": "+994 12 555 10 00",
    },
    {
        "key": "tourism",
        "kind": "tourism",
        "name_az": "Azərbaycan Respublikasının Dövlət Turizm Agentliyi",
        "name_en": "State Tourism Agency of the Republic of Azerbaijan",
        "name_ru": "Государственное агентство по туризму Азербайджанской Республики",
        "email": "tourism@demo.filmpermit.test",
        "phone": "+994 12 555 20 00",
    },
    # The agencies of process version 2: police, civil aviation, emergency services.
    {
        "key": "police",
        "kind": "police",
        "name_az": "Azərbaycan Respublikası Daxili İşlər Nazirliyi — Baş Dövlət Yol Polisi İdarəsi",
        "name_en": "Ministry of Internal Affairs of the Republic of Azerbaijan — Main State Traffic Police"
        " Department",
        "name_ru": "Министерство внутренних дел Азербайджанской Республики — Главное управление"
        " государственной дорожной полиции",
        "email": "police@demo.filmpermit.test",
        "phone": "+994 12 555 21 00",
    },
    {
        "key": "aviation",
        "kind": "aviation",
        "name_az": "Azərbaycan Respublikasının Dövlət Mülki Aviasiya Agentliyi",
        "name_en": "State Civil Aviation Agency of the Republic of Azerbaijan",
        "name_ru": "Государственное агентство гражданской авиации Азербайджанской Республики",
        "email": "aviation@demo.filmpermit.test",
        "phone": "+994 12 555 22 00",
    },
    {
        "key": "emergency",
        "kind": "emergency",
        "name_az": "Azərbaycan Respublikasının Fövqəladə Hallar Nazirliyi",
        "name_en": "Ministry of Emergency Situations of the Republic of Azerbaijan",
        "name_ru": "Министерство по чрезвычайным ситуациям Азербайджанской Республики",
        "email": "emergency@demo.filmpermit.test",
        "phone": "+994 12 555 23 00",
    },
    {
        "key": "icherisheher",
        "kind": "site_owner",
        "name_az": "“İçərişəhər” Dövlət Tarix-Memarlıq Qoruğu İdarəsi",
        "name_en": "Administration of the Icherisheher State Historical-Architectural"
        " Reserve",
        "name_ru": "Управление Государственного историко-архитектурного заповедника"
        " «Ичеришехер»",
        "email": "icherisheher@demo.filmpermit.test",
        "phone": "+994 12 555 30 01",
    },
    {
        "key": "gobustan",
        "kind": "site_owner",
        "name_az": "Qobustan Milli Tarix-Bədii Qoruğu",
        "name_en": "Gobustan National Historical-Artistic Preserve",
        "name_ru": "Гобустанский национальный историко-художественный заповедник",
        "email": "gobustan@demo.filmpermit.test",
        "phone": "+994 12 555 30 02",
    },
    {
        "key": "sheki",
        "kind": "site_owner",
        "name_az": "Şəki “Yuxarı Baş” Dövlət Tarix-Memarlıq Qoruğu",
        "name_en": "Sheki “Yukhari Bash” State Historical-Architectural Reserve",
        "name_ru": "Шекинский государственный историко-архитектурный заповедник"
        " «Юхары Баш»",
        "email": "sheki@demo.filmpermit.test",
        "phone": "+994 24 555 30 03",
    },
    {
        "key": "shusha",
        "kind": "site_owner",
        "name_az": "Şuşa Şəhəri Dövlət Qoruğu İdarəsi",
        "name_en": "Shusha City State Reserve Administration",
        "name_ru": "Управление Государственного заповедника города Шуша",
        "email": "shusha@demo.filmpermit.test",
        "phone": "+994 26 555 30 04",
    },
    {
        "key": "baku_boulevard",
        "kind": "site_owner",
        "name_az": "Bakı Bulvar İdarəsi",
        "name_en": "Baku Boulevard Administration",
        "name_ru": "Управление Бакинского бульвара",
        "email": "boulevard@demo.filmpermit.test",
        "phone": "+994 12 555 30 05",
    },
    {
        "key": "baku_city",
        "kind": "site_owner",
        "name_az": "Bakı Şəhər İcra Hakimiyyəti",
        "name_en": "Baku City Executive Power",
        "name_ru": "Исполнительная власть города Баку",
        "email": "baku-city@demo.filmpermit.test",
        "phone": "+994 12 555 30 06",
    },
    {
        "key": "heydar_aliyev_center",
        "kind": "site_owner",
        "name_az": "Heydər Əliyev Mərkəzi",
        "name_en": "Heydar Aliyev Center",
        "name_ru": "Центр Гейдара Алиева",
        "email": "hac@demo.filmpermit.test",
        "phone": "+994 12 555 30 07",
    },
    {
        "key": "ecology",
        "kind": "site_owner",
        "name_az": "Azərbaycan Respublikasının Ekologiya və Təbii Sərvətlər Nazirliyi",
        "name_en": "Ministry of Ecology and Natural Resources of the Republic of"
        " Azerbaijan",
        "name_ru": "Министерство экологии и природных ресурсов Азербайджанской"
        " Республики",
        "email": "ecology@demo.filmpermit.test",
        "phone": "+994 12 555 30 08",
    },
    {
        "key": "yanar_dag",
        "kind": "site_owner",
        "name_az": "“Yanar Dağ” Dövlət Tarix-Mədəniyyət və Təbiət Qoruğu",
        "name_en": "Yanar Dag State Historical-Cultural and Natural Reserve",
        "name_ru": "Государственный историко-культурный и природный заповедник"
        " «Янардаг»",
        "email": "yanardag@demo.filmpermit.test",
        "phone": "+994 12 555 30 09",
    },
    {
        "key": "ateshgah",
        "kind": "site_owner",
        "name_az": "“Atəşgah Məbədi” Dövlət Tarix-Memarlıq Qoruğu",
        "name_en": "Ateshgah Temple State Historical-Architectural Reserve",
        "name_ru": "Государственный историко-архитектурный заповедник «Храм Атешгях»",
        "email": "ateshgah@demo.filmpermit.test",
        "phone": "+994 12 555 30 10",
    },
    {
        "key": "gabala",
        "kind": "site_owner",
        "name_az": "Qəbələ Rayon İcra Hakimiyyəti",
        "name_en": "Gabala District Executive Power",
        "name_ru": "Исполнительная власть Габалинского района",
        "email": "gabala@demo.filmpermit.test",
        "phone": "+994 24 555 30 11",
    },
    {
        "key": "guba",
        "kind": "site_owner",
        "name_az": "Quba Rayon İcra Hakimiyyəti",
        "name_en": "Guba District Executive Power",
        "name_ru": "Исполнительная власть Губинского района",
        "email": "guba@demo.filmpermit.test",
        "phone": "+994 23 555 30 12",
    },
    {
        "key": "ismayilli",
        "kind": "site_owner",
        "name_az": "İsmayıllı Rayon İcra Hakimiyyəti",
        "name_en": "Ismayilli District Executive Power",
        "name_ru": "Исполнительная власть Исмаиллинского района",
        "email": "ismayilli@demo.filmpermit.test",
        "phone": "+994 20 555 30 13",
    },
    {
        "key": "khizi",
        "kind": "site_owner",
        "name_az": "Xızı Rayon İcra Hakimiyyəti",
        "name_en": "Khizi District Executive Power",
        "name_ru": "Исполнительная власть Хызынского района",
        "email": "khizi@demo.filmpermit.test",
        "phone": "+994 12 555 30 14",
    },
]

# Recurring 2027 blackout windows (start and end inclusive).
_NOVRUZ_2027 = (datetime.date(2027, 3, 19), datetime.date(2027, 3, 25))
# Formula 1 Azerbaijan Grand Prix, Baku City Circuit: build-up, race weekend and
# dismantling around the Old City walls and along the Boulevard (demo dates).
_F1_BAKU_2027 = (datetime.date(2027, 9, 6), datetime.date(2027, 9, 29))
_RAMADAN_BAYRAM_2027 = (datetime.date(2027, 3, 9), datetime.date(2027, 3, 11))
_GURBAN_BAYRAM_2027 = (datetime.date(2027, 5, 16), datetime.date(2027, 5, 18))

LOCATIONS = [
    # ------------------------------------------------------------------ Baku
    {
        "slug": "icherisheher",
        "owner": "icherisheher",
        "name_az": "İçərişəhər",
        "name_en": "Icherisheher (Old City of Baku)",
        "name_ru": "Ичеришехер (Старый город)",
        "description_az": (
            "Bakının qala divarları ilə əhatə olunmuş tarixi mərkəzi, orta əsr"
            " küçələri, karvansaraları, hamamları və məscidləri ilə seçilir."
            " Şirvanşahlar sarayı və Qız qalası ilə birlikdə 2000-ci ildə"
            " UNESCO-nun Ümumdünya İrsi Siyahısına daxil edilib. 1977-ci ildən"
            " dövlət tarix-memarlıq qoruğudur və burada bu gün də insanlar yaşayır."
        ),
        "description_en": (
            "The walled historic core of Baku, a maze of medieval lanes,"
            " caravanserais, bathhouses and mosques inside 12th-century fortress"
            " walls. Together with the Shirvanshahs' Palace and the Maiden Tower"
            " it was inscribed on the UNESCO World Heritage List in 2000. It has"
            " been a state historical-architectural reserve since 1977 and is"
            " still a lived-in neighbourhood."
        ),
        "description_ru": (
            "Обнесённое крепостными стенами историческое ядро Баку — лабиринт"
            " средневековых улочек с караван-сараями, банями и мечетями."
            " Вместе с дворцом Ширваншахов и Девичьей башней в 2000 году"
            " включён в Список всемирного наследия ЮНЕСКО. С 1977 года —"
            " государственный историко-архитектурный заповедник, в котором"
            " по-прежнему живут люди."
        ),
        "region": "baku",
        "category": "old_town",
        "latitude": 40.36667,
        "longitude": 49.83500,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Köhnə şəhər üzərində dron çəkilişi yalnız ayrıca icazə ilə mümkündür.\n"
            "Sakinlərin evlərinin girişləri və küçələr tam bağlanmamalıdır.\n"
            "Qala divarlarına avadanlıq bərkitmək və dırmaşmaq qadağandır.\n"
            "Gecə saat 23:00-dan sonra səs-küylü çəkilişlərə icazə verilmir."
        ),
        "rules_en": (
            "No drones over the Old City without a separate permission.\n"
            "Residents' doorways and lanes must never be fully blocked.\n"
            "Do not fix equipment to, or climb, the fortress walls.\n"
            "No noisy filming after 23:00."
        ),
        "rules_ru": (
            "Полёты дронов над Старым городом — только по отдельному разрешению.\n"
            "Нельзя полностью перекрывать входы в дома жителей и улочки.\n"
            "Запрещено крепить оборудование к крепостным стенам и взбираться"
            " на них.\n"
            "Шумные съёмки после 23:00 не допускаются."
        ),
        "fee_per_day": Decimal("800.00"),
        "max_crew": 60,
        "yearly_cap_days": 90,
        "blackout": [_NOVRUZ_2027, _F1_BAKU_2027],
        "published": True,
        "photo_hue": 32,
    },
    {
        "slug": "maiden-tower",
        "owner": "icherisheher",
        "name_az": "Qız qalası",
        "name_en": "Maiden Tower",
        "name_ru": "Девичья башня",
        "description_az": (
            "İçərişəhərin cənub-şərq hissəsində ucalan, hündürlüyü təxminən 29"
            " metr olan silindrik daş qüllə Bakının simvoludur. Bugünkü görkəmi"
            " XII əsrə aiddir, lakin bəzi tədqiqatçılar onun daha qədim olduğunu"
            " güman edir. Qüllənin içində muzey ekspozisiyası, damında isə"
            " Bakı buxtasına baxan seyr meydançası var."
        ),
        "description_en": (
            "A cylindrical stone tower about 29 metres high in the south-east of"
            " the Old City and the best-known symbol of Baku. Its present form"
            " dates from the 12th century, although some scholars believe parts"
            " are much older. Inside is a museum exhibition; the roof is an"
            " observation deck over Baku Bay."
        ),
        "description_ru": (
            "Цилиндрическая каменная башня высотой около 29 метров в юго-восточной"
            " части Ичеришехер — самый известный символ Баку. Нынешний облик"
            " относится к XII веку, хотя ряд исследователей считает её части"
            " значительно древнее. Внутри — музейная экспозиция, на крыше —"
            " смотровая площадка с видом на Бакинскую бухту."
        ),
        "region": "baku",
        "category": "monument",
        "latitude": 40.36611,
        "longitude": 49.83722,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Qüllənin içində çəkiliş yalnız muzey bağlandıqdan sonra aparılır.\n"
            "Daxildə eyni vaxtda 12 nəfərdən çox heyət ola bilməz.\n"
            "Dron çəkilişi üçün ayrıca icazə tələb olunur."
        ),
        "rules_en": (
            "Filming inside the tower only after museum closing hours.\n"
            "No more than 12 crew members inside at any one time.\n"
            "Drone shots require a separate permission."
        ),
        "rules_ru": (
            "Съёмки внутри башни — только после закрытия музея.\n"
            "Внутри одновременно может находиться не более 12 членов группы.\n"
            "Для съёмки с дрона требуется отдельное разрешение."
        ),
        "fee_per_day": Decimal("1200.00"),
        "max_crew": 12,
        "yearly_cap_days": 20,
        "blackout": [
            _NOVRUZ_2027,
            (datetime.date(2027, 1, 11), datetime.date(2027, 1, 24)),
            _F1_BAKU_2027,
        ],
        "published": True,
        "photo_hue": 38,
    },
    {
        "slug": "shirvanshahs-palace",
        "owner": "icherisheher",
        "name_az": "Şirvanşahlar sarayı",
        "name_en": "Palace of the Shirvanshahs",
        "name_ru": "Дворец Ширваншахов",
        "description_az": (
            "XV əsrdə Şirvanşahların paytaxtı Şamaxıdan Bakıya köçürüldükdən"
            " sonra inşa edilmiş saray kompleksi. Ansambla saray binası,"
            " Divanxana, türbə, saray məscidi, hamam və Seyid Yəhya Bakuvinin"
            " türbəsi daxildir. UNESCO-nun Ümumdünya İrsi obyektinin bir"
            " hissəsidir."
        ),
        "description_en": (
            "A 15th-century palace complex built after the Shirvanshahs moved"
            " their capital from Shamakhi to Baku. The ensemble includes the"
            " palace building, the Divankhana, a burial vault, the palace mosque"
            " with its minaret, a bathhouse and the mausoleum of Seyid Yahya"
            " Bakuvi. It is part of the UNESCO World Heritage property."
        ),
        "description_ru": (
            "Дворцовый комплекс XV века, построенный после переноса столицы"
            " Ширваншахов из Шамахы в Баку. В ансамбль входят дворцовое здание,"
            " Диван-хане, усыпальница, дворцовая мечеть с минаретом, баня и"
            " мавзолей Сейида Яхьи Бакуви. Часть объекта всемирного наследия"
            " ЮНЕСКО."
        ),
        "region": "baku",
        "category": "museum",
        "latitude": 40.36658,
        "longitude": 49.83321,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Saray daxilində çəkiliş zamanı muzey bələdçisi daim iştirak etməlidir.\n"
            "İşıq cihazları daş divarlardan ən azı 1 metr aralı qoyulmalıdır.\n"
            "Tüstü, pirotexnika və açıq alov qadağandır."
        ),
        "rules_en": (
            "A museum guide must be present at all times inside the palace.\n"
            "Lighting stands at least 1 metre away from the stone walls.\n"
            "No smoke machines, pyrotechnics or open flame."
        ),
        "rules_ru": (
            "При съёмках внутри дворца всё время должен присутствовать"
            " музейный гид.\n"
            "Осветительные приборы — не ближе 1 метра к каменным стенам.\n"
            "Дым-машины, пиротехника и открытый огонь запрещены."
        ),
        "fee_per_day": Decimal("1000.00"),
        "max_crew": 25,
        "yearly_cap_days": 30,
        "blackout": [_NOVRUZ_2027, _F1_BAKU_2027],
        "published": True,
        "photo_hue": 28,
    },
    {
        "slug": "muhammad-mosque",
        "owner": "icherisheher",
        "name_az": "Məhəmməd məscidi (Sınıqqala)",
        "name_en": "Muhammad Mosque (Siniggala)",
        "name_ru": "Мечеть Мухаммеда (Сыныг-гала)",
        "description_az": (
            "İçərişəhərdə 1078–1079-cu illərdə tikilmiş məscid Bakının tarixi"
            " kitabəsi ilə dəqiq tarixlənən ən qədim məscid binasıdır. 1723-cü"
            " ildə rus donanmasının şəhəri atəşə tutması zamanı minarəsi zədə"
            " aldığı üçün xalq arasında “Sınıqqala” adlanır."
        ),
        "description_en": (
            "Built in 1078–1079 in the Old City, this is the oldest mosque in Baku"
            " dated by its own inscription. Its minaret was damaged when the"
            " Russian fleet bombarded the city in 1723, which earned it the"
            " popular name Siniggala, the 'broken tower'."
        ),
        "description_ru": (
            "Мечеть, построенная в Ичеришехер в 1078–1079 годах, — древнейшее"
            " мечетное здание Баку, точно датированное собственной надписью."
            " Её минарет был повреждён при обстреле города русским флотом в"
            " 1723 году, отсюда народное название Сыныг-гала — «сломанная башня»."
        ),
        "region": "baku",
        "category": "religious",
        "latitude": 40.36636,
        "longitude": 49.83475,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Namaz vaxtlarında və cümə günortası çəkiliş aparılmır.\n"
            "Heyət məscidə ayaqqabısız və dini ədəbə uyğun geyimdə daxil olur.\n"
            "Dindarları onların razılığı olmadan çəkmək qadağandır."
        ),
        "rules_en": (
            "No filming during prayer times or at Friday midday prayer.\n"
            "Crew enter without shoes and in modest clothing.\n"
            "Worshippers may not be filmed without their consent."
        ),
        "rules_ru": (
            "Во время намазов и пятничной полуденной молитвы съёмки не ведутся.\n"
            "Группа входит в мечеть без обуви и в скромной одежде.\n"
            "Снимать молящихся без их согласия запрещено."
        ),
        "fee_per_day": Decimal("400.00"),
        "max_crew": 10,
        "yearly_cap_days": 12,
        "blackout": [_RAMADAN_BAYRAM_2027, _GURBAN_BAYRAM_2027, _F1_BAKU_2027],
        "published": True,
        "photo_hue": 45,
    },
    {
        "slug": "baku-boulevard",
        "owner": "baku_boulevard",
        "name_az": "Dənizkənarı Milli Park (Bakı bulvarı)",
        "name_en": "Seaside National Park (Baku Boulevard)",
        "name_ru": "Приморский национальный парк (Бакинский бульвар)",
        "description_az": (
            "1909-cu ildə salınmış bulvar Xəzər dənizi sahili boyunca uzanır və"
            " 1998-ci ildə milli park statusu alıb. Burada bükülmüş xalçanı"
            " xatırladan Azərbaycan Xalça Muzeyi, “Bakı gözü” şeytan çarxı və"
            " “Kiçik Venesiya” kanalları yerləşir."
        ),
        "description_en": (
            "Laid out in 1909 along the Caspian shore, the Boulevard was given"
            " national park status in 1998. It is home to the Azerbaijan Carpet"
            " Museum, shaped like a rolled-up carpet, the Baku Eye Ferris wheel"
            " and the 'Little Venice' canals."
        ),
        "description_ru": (
            "Заложенный в 1909 году вдоль берега Каспия, бульвар в 1998 году"
            " получил статус национального парка. Здесь находятся Азербайджанский"
            " музей ковра в форме свёрнутого ковра, колесо обозрения «Бакинский"
            " глаз» и каналы «Маленькой Венеции»."
        ),
        "region": "baku",
        "category": "urban",
        "latitude": 40.36389,
        "longitude": 49.84306,
        "heritage": False,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Piyada axını bağlanmır, yalnız qısa müddətli saxlama mümkündür.\n"
            "Nəqliyyat vasitələri bulvara yalnız 07:00-dək daxil ola bilər.\n"
            "Dron uçuşları Dövlət Təhlükəsizlik Xidməti ilə razılaşdırılmalıdır."
        ),
        "rules_en": (
            "Pedestrian traffic may only be held briefly, never closed.\n"
            "Vehicles may enter the promenade only before 07:00.\n"
            "Drone flights must be cleared with the state security authorities."
        ),
        "rules_ru": (
            "Пешеходный поток нельзя перекрывать, допускается лишь кратковременная"
            " остановка.\n"
            "Транспорт может заезжать на бульвар только до 07:00.\n"
            "Полёты дронов согласуются с органами государственной безопасности."
        ),
        "fee_per_day": Decimal("600.00"),
        "max_crew": 80,
        "yearly_cap_days": None,
        "blackout": [_NOVRUZ_2027, _F1_BAKU_2027],
        "published": True,
        "photo_hue": 200,
    },
    {
        "slug": "heydar-aliyev-center",
        "owner": "heydar_aliyev_center",
        "name_az": "Heydər Əliyev Mərkəzi",
        "name_en": "Heydar Aliyev Center",
        "name_ru": "Центр Гейдара Алиева",
        "description_az": (
            "Zaha Hadidin layihəsi ilə tikilmiş və 2012-ci ildə açılmış mədəniyyət"
            " mərkəzi axıcı, düz xətlərdən məhrum ağ fasadı ilə tanınır."
            " Binada muzey, sərgi zalları və auditoriya yerləşir. 2014-cü ildə"
            " London Dizayn Muzeyinin “İlin dizaynı” mükafatını qazanıb."
        ),
        "description_en": (
            "A cultural centre designed by Zaha Hadid and opened in 2012, famous"
            " for its flowing white façade without straight lines. It houses a"
            " museum, exhibition halls and an auditorium, and won the Design"
            " Museum's Design of the Year award in 2014."
        ),
        "description_ru": (
            "Культурный центр по проекту Захи Хадид, открытый в 2012 году и"
            " известный плавным белым фасадом без прямых линий. В здании"
            " находятся музей, выставочные залы и аудитория; в 2014 году проект"
            " получил премию лондонского Музея дизайна «Дизайн года»."
        ),
        "region": "baku",
        "category": "urban",
        "latitude": 40.39583,
        "longitude": 49.86722,
        "heritage": False,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Binanın görüntüsünün reklamda istifadəsi ayrıca müqavilə tələb edir.\n"
            "Fasada və ağ səthlərə toxunmaq, avadanlıq söykəmək qadağandır.\n"
            "Daxili məkanlarda çəkiliş yalnız ziyarətçi saatlarından kənar aparılır."
        ),
        "rules_en": (
            "Commercial use of the building's image requires a separate agreement.\n"
            "Do not touch or lean equipment against the façade or white surfaces.\n"
            "Interiors may be filmed only outside visiting hours."
        ),
        "rules_ru": (
            "Использование образа здания в рекламе требует отдельного договора.\n"
            "Запрещено касаться фасада и белых поверхностей и прислонять к ним"
            " оборудование.\n"
            "Интерьеры снимаются только вне часов посещения."
        ),
        "fee_per_day": Decimal("1500.00"),
        "max_crew": 40,
        "yearly_cap_days": 25,
        "blackout": [(datetime.date(2027, 5, 8), datetime.date(2027, 5, 11))],
        "published": True,
        "photo_hue": 190,
    },
    {
        "slug": "highland-park",
        "owner": "baku_city",
        "name_az": "Dağüstü park və Alov qüllələri mənzərəsi",
        "name_en": "Highland Park and Flame Towers View",
        "name_ru": "Нагорный парк и вид на Пламенные башни",
        "description_az": (
            "Şəhərin üzərindəki təpədə yerləşən park Bakı buxtasına, bulvara və"
            " İçərişəhərə panoram mənzərə açır. Arxa planda 2012-ci ildə"
            " tamamlanmış, gecələr LED fasadları alov kimi işıqlanan Alov"
            " qüllələri ucalır. Parkda Şəhidlər xiyabanı yerləşir."
        ),
        "description_en": (
            "A hilltop park with a panoramic view over Baku Bay, the Boulevard"
            " and the Old City. Behind it rise the Flame Towers, completed in"
            " 2012, whose LED façades are animated as flames at night. The park"
            " also contains the Alley of Martyrs memorial."
        ),
        "description_ru": (
            "Парк на возвышенности с панорамой Бакинской бухты, бульвара и"
            " Старого города. Позади поднимаются завершённые в 2012 году"
            " Пламенные башни, чьи светодиодные фасады по ночам изображают"
            " языки пламени. В парке находится Аллея шехидов."
        ),
        "region": "baku",
        "category": "urban",
        "latitude": 40.35833,
        "longitude": 49.82917,
        "heritage": False,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Şəhidlər xiyabanında bədii çəkiliş aparılmır.\n"
            "Gecə çəkilişləri saat 01:00-dək başa çatmalıdır.\n"
            "Seyr meydançasında ziyarətçilərə keçid saxlanılmalıdır."
        ),
        "rules_en": (
            "No fiction filming inside the Alley of Martyrs.\n"
            "Night shoots must wrap by 01:00.\n"
            "Keep a passage open for visitors on the viewing terrace."
        ),
        "rules_ru": (
            "На Аллее шехидов игровые съёмки не проводятся.\n"
            "Ночные съёмки должны завершаться до 01:00.\n"
            "На смотровой площадке необходимо оставлять проход для посетителей."
        ),
        "fee_per_day": Decimal("700.00"),
        "max_crew": 50,
        "yearly_cap_days": None,
        "blackout": [
            (datetime.date(2027, 1, 18), datetime.date(2027, 1, 21)),
            (datetime.date(2027, 9, 26), datetime.date(2027, 9, 28)),
            _F1_BAKU_2027,
        ],
        "published": True,
        "photo_hue": 12,
    },
    {
        # An ordinary city street under the owner's standing consent: the demo's fast track.
        "slug": "white-city",
        "owner": "baku_city",
        "name_az": "Ağ Şəhər bulvarı və küçələri",
        "name_en": "White City Boulevard and Streets",
        "name_ru": "Бульвар и улицы Белого города",
        "description_az": (
            "Bakının keçmiş neft sənayesi zonasının yerində salınmış yeni Ağ Şəhər"
            " məhəlləsi: geniş bulvar, Paris üslubunda fasadlar və dənizə açılan"
            " sakit küçələr. Adi şəhər mühiti kimi reklam, musiqi klipi və"
            " fotoçəkilişlər üçün əlverişlidir."
        ),
        "description_en": (
            "Baku's new White City quarter, built where the old oil-industry"
            " district stood: a wide boulevard, Parisian-style façades and quiet"
            " streets running down to the sea. An ordinary city setting suited to"
            " commercials, music videos and stills."
        ),
        "description_ru": (
            "Новый квартал Белый город, построенный на месте старой промышленной"
            " зоны Баку: широкий бульвар, фасады в парижском стиле и тихие улицы,"
            " спускающиеся к морю. Обычная городская среда для рекламы,"
            " клипов и фотосъёмок."
        ),
        "region": "baku",
        "category": "urban",
        "latitude": 40.37833,
        "longitude": 49.87833,
        "heritage": False,
        "tourist_site": False,
        "restricted": False,
        "rules_az": (
            "Səkilərdə piyadalar üçün keçid saxlanılmalıdır.\n"
            "Generatorlar yalnız dayanacaq zolağında qoyulur."
        ),
        "rules_en": (
            "Keep a passage open for pedestrians on the pavements.\n"
            "Generators only in the parking lane."
        ),
        "rules_ru": (
            "На тротуарах необходимо оставлять проход для пешеходов.\n"
            "Генераторы размещаются только на парковочной полосе."
        ),
        "fee_per_day": Decimal("100.00"),
        "max_crew": 15,
        "yearly_cap_days": 60,
        "standing_consent": True,
        "filming_hours_start": datetime.time(8, 0),
        "filming_hours_end": datetime.time(20, 0),
        "published": True,
        "photo_hue": 190,
    },
    {
        "slug": "ateshgah",
        "owner": "ateshgah",
        "name_az": "Suraxanı Atəşgah məbədi",
        "name_en": "Ateshgah Fire Temple of Surakhani",
        "name_ru": "Храм огнепоклонников Атешгях в Сураханах",
        "description_az": (
            "Suraxanı qəsəbəsində XVII–XVIII əsrlərdə hind tacir və zəvvarları"
            " tərəfindən tikilmiş atəşpərəst məbədi. Beşbucaqlı həyəti hücrələr"
            " əhatə edir, mərkəzdə alovlu qurbangah yerləşir. Təbii qaz çıxışı"
            " 1969-cu ildə söndükdən sonra alov Bakı qaz şəbəkəsindən verilir;"
            " kitabələr devanaqari, qurmukhi və fars dillərindədir."
        ),
        "description_en": (
            "A fire temple in Surakhani built in the 17th–18th centuries by Indian"
            " merchants and pilgrims. Cells surround a pentagonal courtyard with"
            " a flaming altar in the centre. The natural gas vent died out in"
            " 1969 and the flame is now fed from the city supply; inscriptions"
            " are in Devanagari, Gurmukhi and Persian."
        ),
        "description_ru": (
            "Храм огнепоклонников в Сураханах, построенный в XVII–XVIII веках"
            " индийскими купцами и паломниками. Пятиугольный двор окружают"
            " кельи, в центре стоит алтарь с огнём. Естественный выход газа"
            " иссяк в 1969 году, и теперь огонь питается от городской сети;"
            " надписи выполнены на деванагари, гурмукхи и персидском."
        ),
        "region": "baku",
        "category": "religious",
        "latitude": 40.41528,
        "longitude": 50.00861,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Qurbangahın alovuna heç bir əşya yaxınlaşdırmaq olmaz.\n"
            "Hücrələrdəki muzey eksponatları yerindən tərpədilmir.\n"
            "Çəkiliş zamanı qoruq əməkdaşı iştirak edir."
        ),
        "rules_en": (
            "Nothing may be held to or placed near the altar flame.\n"
            "Museum exhibits in the cells must not be moved.\n"
            "A reserve staff member attends every shoot."
        ),
        "rules_ru": (
            "Запрещено подносить что-либо к огню алтаря.\n"
            "Музейные экспонаты в кельях не перемещаются.\n"
            "На съёмке присутствует сотрудник заповедника."
        ),
        "fee_per_day": Decimal("500.00"),
        "max_crew": 30,
        "yearly_cap_days": 40,
        "blackout": [_NOVRUZ_2027],
        "published": True,
        "photo_hue": 22,
    },
    # ------------------------------------------------------- Gobustan (Baku)
    {
        "slug": "gobustan-rock-art",
        "owner": "gobustan",
        "name_az": "Qobustan qayaüstü təsvirləri",
        "name_en": "Gobustan Rock Art Cultural Landscape",
        "name_ru": "Наскальные изображения Гобустана",
        "description_az": (
            "Bakıdan təxminən 60 km cənub-qərbdə yerləşən qoruqda 40 min ili əhatə"
            " edən 6 mindən çox qayaüstü təsvir var. 2007-ci ildə UNESCO-nun"
            " Ümumdünya İrsi Siyahısına daxil edilib. Böyükdaş dağının ətəyində"
            " Roma XII legionunun latın kitabəsi və musiqi daşı “Qavaldaş” da"
            " buradadır."
        ),
        "description_en": (
            "About 60 km south-west of Baku, the reserve holds more than 6,000"
            " rock engravings spanning some 40,000 years. It was inscribed on the"
            " UNESCO World Heritage List in 2007. At the foot of Boyukdash are a"
            " Latin inscription left by Rome's Twelfth Legion and the 'Gaval"
            " Dash' tambourine stone that rings when struck."
        ),
        "description_ru": (
            "Заповедник примерно в 60 км к юго-западу от Баку хранит более 6000"
            " наскальных изображений, охватывающих около 40 тысяч лет. В 2007"
            " году включён в Список всемирного наследия ЮНЕСКО. У подножия горы"
            " Беюкдаш находятся латинская надпись XII римского легиона и"
            " «поющий» камень Гавалдаш."
        ),
        "region": "baku",
        "category": "landscape",
        "latitude": 40.11250,
        "longitude": 49.37500,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Petroqliflərə toxunmaq, onları islatmaq və ya təbaşirlə qeyd etmək"
            " qadağandır.\n"
            "Nəqliyyat yalnız asfalt yollarda və dayanacaqlarda hərəkət edir.\n"
            "Dron uçuşu üçün ayrıca icazə və qoruğun müşayiəti tələb olunur."
        ),
        "rules_en": (
            "Never touch, wet or chalk the petroglyphs.\n"
            "Vehicles stay on paved roads and car parks.\n"
            "Drone flights need a separate permission and a reserve escort."
        ),
        "rules_ru": (
            "Запрещено трогать, смачивать или обводить мелом петроглифы.\n"
            "Транспорт движется только по асфальтированным дорогам и стоянкам.\n"
            "Для полётов дронов нужны отдельное разрешение и сопровождение"
            " сотрудника заповедника."
        ),
        "fee_per_day": Decimal("600.00"),
        "max_crew": 40,
        "yearly_cap_days": 45,
        "blackout": [(datetime.date(2027, 2, 1), datetime.date(2027, 2, 14))],
        "published": True,
        "photo_hue": 35,
    },
    {
        "slug": "dashgil-mud-volcanoes",
        "owner": "ecology",
        "name_az": "Daşgil palçıq vulkanları",
        "name_en": "Dashgil Mud Volcanoes",
        "name_ru": "Грязевые вулканы Дашгиль",
        "description_az": (
            "Qobustandan cənubda, Ələt yaxınlığındakı Daşgil təpəsində soyuq boz"
            " palçıq püskürən kiçik konuslar toplanıb. Dünyadakı palçıq"
            " vulkanlarının təxminən 350-si Azərbaycandadır. Bakı və Abşeron"
            " yarımadasının palçıq vulkanları qrupu dövlət təbiət qoruğu kimi"
            " mühafizə olunur."
        ),
        "description_en": (
            "On Dashgil hill near Alat, south of Gobustan, a cluster of small"
            " cones gurgles and spits cold grey mud. Roughly 350 of the world's"
            " mud volcanoes are in Azerbaijan, more than in any other country."
            " The mud volcano group of Baku and the Absheron peninsula is"
            " protected as a state nature reserve."
        ),
        "description_ru": (
            "На холме Дашгиль у Алята, к югу от Гобустана, небольшие конусы"
            " бурлят и выбрасывают холодную серую грязь. В Азербайджане"
            " находится около 350 грязевых вулканов — больше, чем в любой другой"
            " стране. Группа грязевых вулканов Баку и Апшерона охраняется как"
            " государственный природный заповедник."
        ),
        "region": "baku",
        "category": "nature",
        "latitude": 40.01389,
        "longitude": 49.40250,
        "heritage": False,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Kraterlərə girmək və onlara əşya atmaq qadağandır.\n"
            "Yağışdan sonra torpaq yola ağır texnika ilə çıxılmır.\n"
            "Açıq alov və siqaret qadağandır: qaz çıxışları var."
        ),
        "rules_en": (
            "Do not step into the craters or throw anything into them.\n"
            "No heavy vehicles on the dirt track after rain.\n"
            "No open flame or smoking: the vents emit methane."
        ),
        "rules_ru": (
            "Запрещено заходить в кратеры и бросать в них предметы.\n"
            "После дождя тяжёлая техника по грунтовой дороге не проезжает.\n"
            "Открытый огонь и курение запрещены: из жерл выходит метан."
        ),
        "fee_per_day": Decimal("250.00"),
        "max_crew": 35,
        "yearly_cap_days": None,
        "blackout": [],
        "published": True,
        "photo_hue": 80,
    },
    # ------------------------------------------------------ Absheron-Khizi
    {
        "slug": "yanar-dag",
        "owner": "yanar_dag",
        "name_az": "Yanar Dağ",
        "name_en": "Yanar Dag (Burning Mountain)",
        "name_ru": "Янардаг (Горящая гора)",
        "description_az": (
            "Abşeron rayonunun Məmmədli kəndi yaxınlığında təpənin ətəyindən"
            " çıxan təbii qaz on metrlik zolaqda fasiləsiz yanır. Yağış və qar"
            " alovu söndürmür. 2007-ci ildən dövlət tarix-mədəniyyət və təbiət"
            " qoruğudur."
        ),
        "description_en": (
            "Near the village of Mammadli on the Absheron peninsula, natural gas"
            " seeping from a hillside burns continuously along a strip some ten"
            " metres long. Rain and snow do not put the flames out. The site has"
            " been a state historical-cultural and natural reserve since 2007."
        ),
        "description_ru": (
            "Возле села Мамедли на Апшероне природный газ, выходящий из склона"
            " холма, непрерывно горит полосой длиной около десяти метров. Ни"
            " дождь, ни снег не гасят пламя. С 2007 года —"
            " государственный историко-культурный и природный заповедник."
        ),
        "region": "absheron_khizi",
        "category": "nature",
        "latitude": 40.50194,
        "longitude": 49.89111,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Alova 3 metrdən yaxın məsafədə heyət dayana bilməz.\n"
            "Yanacaq, pirotexnika və partlayıcı effektlər qadağandır.\n"
            "Axşam çəkilişləri ziyarətçi saatlarından sonra aparılır."
        ),
        "rules_en": (
            "Crew keep at least 3 metres from the flames.\n"
            "No fuel, pyrotechnics or explosive effects.\n"
            "Evening shoots take place after visiting hours."
        ),
        "rules_ru": (
            "Члены группы не приближаются к огню ближе чем на 3 метра.\n"
            "Топливо, пиротехника и взрывные эффекты запрещены.\n"
            "Вечерние съёмки проводятся после часов посещения."
        ),
        "fee_per_day": Decimal("500.00"),
        "max_crew": 30,
        "yearly_cap_days": 40,
        "blackout": [_NOVRUZ_2027],
        "published": True,
        "photo_hue": 15,
    },
    {
        "slug": "candy-cane-mountains",
        "owner": "khizi",
        "name_az": "Xızının Qırmızı dağları",
        "name_en": "Candy Cane Mountains (Khizi)",
        "name_ru": "Полосатые горы Хызы (Candy Cane)",
        "description_az": (
            "Xızı rayonunda, Bakı–Quba yolundan Altıağaca gedən yolun kənarında"
            " qırmızı, çəhrayı və ağ zolaqlı şist təpələri. Rəngləri süxurdakı"
            " dəmir birləşmələrinin qrunt suları ilə oksidləşməsindən yaranıb."
            " Yamaclarda Təbaşir dövrünə aid belemnit qalıqlarına rast gəlinir."
        ),
        "description_en": (
            "Red, pink and white striped shale hills in Khizi district, along the"
            " road from the Baku–Guba highway to Altiagach. Their colours come"
            " from groundwater changing the oxidation state of iron compounds in"
            " the rock, and Cretaceous belemnite fossils lie on the slopes."
        ),
        "description_ru": (
            "Красно-розово-белые полосатые сланцевые холмы в Хызынском районе,"
            " вдоль дороги от трассы Баку–Губа к Алтыагачу. Окраска возникла"
            " из-за окисления соединений железа в породе грунтовыми водами; на"
            " склонах встречаются меловые белемниты."
        ),
        "region": "absheron_khizi",
        "category": "landscape",
        "latitude": 40.89611,
        "longitude": 49.12389,
        "heritage": False,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Nəqliyyat yalnız mövcud yollarda və cığırlarda hərəkət edir.\n"
            "Yamaclarda boya, işarə və dekorasiya izləri qalmamalıdır.\n"
            "Fosilləri götürmək qadağandır."
        ),
        "rules_en": (
            "Vehicles stay on existing roads and tracks.\n"
            "Leave no paint, markings or set remains on the slopes.\n"
            "Fossils may not be collected."
        ),
        "rules_ru": (
            "Транспорт движется только по существующим дорогам и колеям.\n"
            "На склонах не должно оставаться краски, разметки и остатков"
            " декораций.\n"
            "Собирать окаменелости запрещено."
        ),
        "fee_per_day": Decimal("150.00"),
        "max_crew": 60,
        "yearly_cap_days": None,
        "standing_consent": True,
        "filming_hours_start": datetime.time(7, 0),
        "filming_hours_end": datetime.time(21, 0),
        "blackout": [],
        "published": True,
        "photo_hue": 350,
    },
    {
        "slug": "altiagach-national-park",
        "owner": "ecology",
        "name_az": "Altıağac Milli Parkı",
        "name_en": "Altiagach National Park",
        "name_ru": "Алтыагачский национальный парк",
        "description_az": (
            "2004-cü ildə Xızı və Siyəzən rayonlarında 11 035 hektar ərazidə"
            " yaradılmış milli park. Ərazinin böyük hissəsi dəmirağac, palıd və"
            " vələs meşələri ilə örtülüdür."
        ),
        "description_en": (
            "A national park established in 2004 over 11,035 hectares of Khizi"
            " and Siyazan districts. Most of it is covered by forests of Persian"
            " ironwood, oak and hornbeam."
        ),
        "description_ru": (
            "Национальный парк, созданный в 2004 году на площади 11 035 гектаров"
            " в Хызынском и Сиязаньском районах. Большая часть территории покрыта"
            " лесами из железного дерева, дуба и граба."
        ),
        "region": "absheron_khizi",
        "category": "nature",
        "latitude": 40.86250,
        "longitude": 48.93556,
        "heritage": False,
        "tourist_site": False,
        "restricted": False,
        "rules_az": (
            "Çəkiliş yalnız park inspektorunun müşayiəti ilə aparılır.\n"
            "Yaz çoxalma mövsümündə meşə daxilində çəkiliş aparılmır."
        ),
        "rules_en": (
            "Filming only with a park ranger escort.\n"
            "No filming inside the forest during the spring breeding season."
        ),
        "rules_ru": (
            "Съёмки только в сопровождении инспектора парка.\n"
            "Весной, в сезон размножения животных, съёмки в лесу не проводятся."
        ),
        "fee_per_day": Decimal("200.00"),
        "max_crew": 20,
        "yearly_cap_days": 20,
        "blackout": [(datetime.date(2027, 4, 1), datetime.date(2027, 6, 15))],
        "published": False,
        "photo_hue": 110,
    },
    # ---------------------------------------------------- Sheki-Zagatala
    {
        "slug": "sheki-khans-palace",
        "owner": "sheki",
        "name_az": "Şəki xanlarının sarayı",
        "name_en": "Palace of the Sheki Khans",
        "name_ru": "Дворец шекинских ханов",
        "description_az": (
            "XVIII əsrdə Nuxa qalasının içində tikilmiş iki mərtəbəli yay"
            " iqamətgahı zəngin divar rəsmləri və mıx, yapışqan işlədilmədən"
            " yığılmış şəbəkə pəncərələri ilə məşhurdur. 2019-cu ildə “Şəki"
            " tarixi mərkəzi Xan sarayı ilə birlikdə” adı ilə UNESCO-nun"
            " Ümumdünya İrsi Siyahısına daxil edilib."
        ),
        "description_en": (
            "An 18th-century two-storey summer residence inside the Nukha fortress,"
            " famous for its rich wall paintings and shebeke windows of coloured"
            " glass assembled without nails or glue. It was inscribed on the"
            " UNESCO World Heritage List in 2019 as part of the Historic Centre of"
            " Sheki with the Khan's Palace."
        ),
        "description_ru": (
            "Двухэтажная летняя резиденция XVIII века в крепости Нуха, знаменитая"
            " росписями стен и окнами-шебеке из цветного стекла, собранными без"
            " гвоздей и клея. В 2019 году включена в Список всемирного наследия"
            " ЮНЕСКО в составе объекта «Исторический центр Шеки с Ханским"
            " дворцом»."
        ),
        "region": "sheki_zagatala",
        "category": "museum",
        "latitude": 41.21000,
        "longitude": 47.19806,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Saray daxilində muzey bələdçisi daim iştirak etməlidir.\n"
            "İçəridə yalnız soyuq LED işıqdan istifadə olunur, divar rəsmlərinə"
            " birbaşa işıq salınmır.\n"
            "Daxildə eyni vaxtda 8 nəfərdən çox heyət ola bilməz."
        ),
        "rules_en": (
            "A museum guide must be present at all times inside the palace.\n"
            "Only cool LED lighting inside, never aimed straight at the murals.\n"
            "No more than 8 crew members inside at any one time."
        ),
        "rules_ru": (
            "Внутри дворца всё время должен присутствовать музейный гид.\n"
            "Внутри используется только холодный светодиодный свет, не"
            " направленный прямо на росписи.\n"
            "Одновременно внутри — не более 8 членов группы."
        ),
        "fee_per_day": Decimal("900.00"),
        "max_crew": 8,
        "yearly_cap_days": 15,
        "blackout": [
            _NOVRUZ_2027,
            (datetime.date(2027, 11, 1), datetime.date(2027, 11, 30)),
        ],
        "published": True,
        "photo_hue": 220,
    },
    {
        "slug": "sheki-caravanserai",
        "owner": "sheki",
        "name_az": "Şəki Yuxarı Karvansarası",
        "name_en": "Upper Caravanserai of Sheki",
        "name_ru": "Верхний караван-сарай Шеки",
        "description_az": (
            "XVIII əsrin sonu – XIX əsrin əvvəllərində İpək yolu tacirləri üçün"
            " tikilmiş iki mərtəbəli karvansaranın böyük daxili həyəti və"
            " tağlı qalereyaları var. Bu gün mehmanxana kimi fəaliyyət göstərir"
            " və UNESCO irs obyekti olan Şəki tarixi mərkəzinin bir hissəsidir."
        ),
        "description_en": (
            "A two-storey caravanserai built for Silk Road merchants in the late"
            " 18th to early 19th century, with a large inner courtyard and arcaded"
            " galleries. Today it operates as a hotel and is part of Sheki's"
            " UNESCO-listed historic centre."
        ),
        "description_ru": (
            "Двухэтажный караван-сарай конца XVIII – начала XIX века, построенный"
            " для купцов Шёлкового пути, с большим внутренним двором и арочными"
            " галереями. Сегодня работает как гостиница и входит в исторический"
            " центр Шеки, внесённый в список ЮНЕСКО."
        ),
        "region": "sheki_zagatala",
        "category": "monument",
        "latitude": 41.20472,
        "longitude": 47.19194,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Mehmanxana qonaqlarının rahatlığı pozulmamalıdır; gecə çəkilişi"
            " 22:00-dək.\n"
            "Həyətdəki darvazadan yalnız əl arabaları ilə avadanlıq keçirilir.\n"
            "Taxta qapı və eyvanlara avadanlıq bərkitmək qadağandır."
        ),
        "rules_en": (
            "Respect hotel guests: night filming until 22:00 only.\n"
            "Equipment goes through the gate on hand trolleys only.\n"
            "Do not fix equipment to the wooden doors and balconies."
        ),
        "rules_ru": (
            "Нельзя беспокоить гостей гостиницы: ночные съёмки — только до 22:00.\n"
            "Оборудование провозится через ворота только на ручных тележках.\n"
            "Запрещено крепить оборудование к деревянным дверям и балконам."
        ),
        "fee_per_day": Decimal("400.00"),
        "max_crew": 30,
        "yearly_cap_days": 30,
        "blackout": [_NOVRUZ_2027],
        "published": True,
        "photo_hue": 30,
    },
    {
        "slug": "nohur-lake",
        "owner": "gabala",
        "name_az": "Nohur gölü",
        "name_en": "Nohur Lake",
        "name_ru": "Озеро Нохур",
        "description_az": (
            "Qəbələ şəhərindən təxminən 3 km şərqdə, dəniz səviyyəsindən 700 metr"
            " hündürlükdə, Güllübürun, Göydağ və Yumru dağları arasında yerləşir."
            " Təbii göl 1949-cu ildə su anbarına çevrilib; sahəsi 240 hektar,"
            " dərinliyi 24 metrədək çatır. Yaxınlıqda Tufandağ dağ-xizək"
            " kurortu yerləşir."
        ),
        "description_en": (
            "About 3 km east of Gabala town, at 700 metres above sea level between"
            " the Gulluburun, Goydagh and Yumru mountains. The natural lake was"
            " turned into a reservoir in 1949; it covers 240 hectares and is up to"
            " 24 metres deep. The Tufandag mountain resort is nearby."
        ),
        "description_ru": (
            "Примерно в 3 км к востоку от Габалы, на высоте 700 метров над уровнем"
            " моря, между горами Гюллюбурун, Гёйдаг и Юмру. Природное озеро в 1949"
            " году превращено в водохранилище площадью 240 гектаров и глубиной"
            " до 24 метров. Рядом находится горный курорт Туфандаг."
        ),
        "region": "sheki_zagatala",
        "category": "nature",
        "latitude": 40.98861,
        "longitude": 47.88694,
        "heritage": False,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Göldə üzmək qadağandır; su səhnələri yalnız qayıqdan çəkilir.\n"
            "Qış aylarında buz üzərinə çıxmaq qadağandır.\n"
            "Sahildə generatorlar yanacaq sızmasına qarşı altlıq üzərində qoyulur."
        ),
        "rules_en": (
            "Swimming is prohibited; water scenes are shot from boats only.\n"
            "No walking on the ice in winter.\n"
            "Generators on the shore must stand on spill trays."
        ),
        "rules_ru": (
            "Купание запрещено; сцены на воде снимаются только с лодок.\n"
            "Зимой выходить на лёд запрещено.\n"
            "Генераторы на берегу устанавливаются на поддоны против протечек."
        ),
        "fee_per_day": Decimal("300.00"),
        "max_crew": 50,
        "yearly_cap_days": None,
        "blackout": [(datetime.date(2027, 7, 15), datetime.date(2027, 8, 15))],
        "published": True,
        "photo_hue": 170,
    },
    # ----------------------------------------------------- Guba-Khachmaz
    {
        "slug": "khinalug",
        "owner": "guba",
        "name_az": "Xınalıq kəndi",
        "name_en": "Khinalug Village",
        "name_ru": "Село Хыналыг",
        "description_az": (
            "Quba rayonunda, təxminən 2300 metr hündürlükdə yerləşən Xınalıq"
            " Qafqazın ən yüksək yaşayış məntəqələrindən biridir. Sakinləri"
            " dünyada yalnız burada danışılan xınalıq dilində danışırlar."
            " 2023-cü ildə “Xınalıq xalqının mədəniyyəti və Köç yolu” adı ilə"
            " UNESCO-nun Ümumdünya İrsi Siyahısına daxil edilib."
        ),
        "description_en": (
            "At about 2,300 metres in Guba district, Khinalug is one of the highest"
            " inhabited villages in the Caucasus. Its people speak Khinalug, a"
            " language spoken nowhere else. In 2023 it was inscribed on the UNESCO"
            " World Heritage List as 'Khinalig People's Culture and Köç Yolu"
            " Transhumance Route'."
        ),
        "description_ru": (
            "Хыналыг в Губинском районе, на высоте около 2300 метров, — одно из"
            " самых высокогорных сёл Кавказа. Его жители говорят на хыналыгском"
            " языке, на котором больше нигде не говорят. В 2023 году внесён в"
            " Список всемирного наследия ЮНЕСКО как «Культура народа Хыналыг и"
            " маршрут кочевий Кёч Йолу»."
        ),
        "region": "guba_khachmaz",
        "category": "village",
        "latitude": 41.17917,
        "longitude": 48.12750,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Sakinləri və evlərin içini yalnız onların razılığı ilə çəkmək olar.\n"
            "Kənd icra nümayəndəsi ilə əvvəlcədən görüş keçirilməlidir.\n"
            "Qış aylarında yol bağlana bilər; heyət təhlükəsizlik planı təqdim"
            " edir."
        ),
        "rules_en": (
            "Residents and home interiors may be filmed only with their consent.\n"
            "Meet the village representative before the shoot.\n"
            "The road may close in winter; crews file a safety plan."
        ),
        "rules_ru": (
            "Жителей и интерьеры домов снимают только с их согласия.\n"
            "До съёмок необходима встреча с представителем сельской власти.\n"
            "Зимой дорога может закрываться; группа представляет план"
            " безопасности."
        ),
        "fee_per_day": Decimal("350.00"),
        "max_crew": 25,
        "yearly_cap_days": 30,
        "blackout": [(datetime.date(2027, 5, 20), datetime.date(2027, 6, 10))],
        "published": True,
        "photo_hue": 95,
    },
    # --------------------------------------------------- Mountainous Shirvan
    {
        "slug": "lahij",
        "owner": "ismayilli",
        "name_az": "Lahıc kəndi",
        "name_en": "Lahij Village",
        "name_ru": "Село Лахыдж",
        "description_az": (
            "İsmayıllı rayonunda, Girdiman çayının dərəsində yerləşən dağ kəndi"
            " daş döşənmiş küçələri və misgər emalatxanaları ilə tanınır."
            " “Lahıc misgərlik sənəti” 2015-ci ildə UNESCO-nun Qeyri-maddi"
            " Mədəni İrs Siyahısına daxil edilib; kənd UNESCO-nun ilkin"
            " siyahısındadır."
        ),
        "description_en": (
            "A mountain village in the Girdimanchay valley of Ismayilli district,"
            " known for its cobbled lanes and coppersmiths' workshops. 'Copper"
            " craftsmanship of Lahij' was inscribed on UNESCO's Intangible Cultural"
            " Heritage list in 2015, and the village is on UNESCO's Tentative List."
        ),
        "description_ru": (
            "Горное село в долине Гирдыманчая в Исмаиллинском районе, известное"
            " мощёными улочками и мастерскими медников. «Искусство медников"
            " Лахыджа» в 2015 году внесено в список нематериального культурного"
            " наследия ЮНЕСКО, а само село находится в предварительном списке"
            " ЮНЕСКО."
        ),
        "region": "mountainous_shirvan",
        "category": "village",
        "latitude": 40.84889,
        "longitude": 48.38833,
        "heritage": True,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Emalatxanaların içində çəkiliş ustaların razılığı ilə aparılır.\n"
            "Əsas küçədə nəqliyyat dayanacağı qadağandır.\n"
            "Sakinlərin gündəlik həyatı və ticarət fəaliyyəti pozulmamalıdır."
        ),
        "rules_en": (
            "Workshops may be filmed only with the craftsmen's consent.\n"
            "No vehicle parking on the main street.\n"
            "Residents' daily life and trade must not be disrupted."
        ),
        "rules_ru": (
            "Съёмки в мастерских — только с согласия мастеров.\n"
            "Стоянка транспорта на главной улице запрещена.\n"
            "Нельзя нарушать повседневную жизнь и торговлю жителей."
        ),
        "fee_per_day": Decimal("300.00"),
        "max_crew": 30,
        "yearly_cap_days": 40,
        "blackout": [_NOVRUZ_2027],
        "published": True,
        "photo_hue": 25,
    },
    # ---------------------------------------------------- Ganja-Dashkasan
    {
        "slug": "goygol-lake",
        "owner": "ecology",
        "name_az": "Göygöl",
        "name_en": "Lake Goygol",
        "name_ru": "Озеро Гёйгёль",
        "description_az": (
            "Kəpəz dağının ətəyində, təxminən 1550 metr hündürlükdə yerləşən göl"
            " 1139-cu il Gəncə zəlzələsi zamanı dağın uçqunu Ağsu çayının qarşısını"
            " kəsdikdən sonra yaranıb. 2008-ci ildə yaradılmış Göygöl Milli"
            " Parkının mərkəzidir."
        ),
        "description_en": (
            "A lake at about 1,550 metres below Mount Kapaz, formed when a"
            " landslide during the Ganja earthquake of 1139 dammed the Aghsu river."
            " It is the centrepiece of Goygol National Park, established in 2008."
        ),
        "description_ru": (
            "Озеро на высоте около 1550 метров у подножия горы Кяпаз, возникшее,"
            " когда обвал во время Гянджинского землетрясения 1139 года перегородил"
            " реку Ахсу. Центр Гёйгёльского национального парка, созданного в"
            " 2008 году."
        ),
        "region": "ganja_dashkasan",
        "category": "nature",
        "latitude": 40.40278,
        "longitude": 46.31944,
        "heritage": False,
        "tourist_site": True,
        "restricted": False,
        "rules_az": (
            "Çəkiliş yalnız milli park inspektorunun müşayiəti ilə aparılır.\n"
            "Gölə qayıq, dron və ya hər hansı əşya buraxmaq üçün ayrıca icazə"
            " lazımdır.\n"
            "Tonqal qalamaq və tullantı qoymaq qadağandır."
        ),
        "rules_en": (
            "Filming only with a national park ranger escort.\n"
            "Boats, drones or any object on the lake need a separate permission.\n"
            "No campfires; leave no waste."
        ),
        "rules_ru": (
            "Съёмки только в сопровождении инспектора национального парка.\n"
            "Для лодок, дронов и любых предметов на озере нужно отдельное"
            " разрешение.\n"
            "Костры запрещены, мусор оставлять нельзя."
        ),
        "fee_per_day": Decimal("450.00"),
        "max_crew": 25,
        "yearly_cap_days": 30,
        "blackout": [(datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))],
        "published": True,
        "photo_hue": 160,
    },
    # ----------------------------------------------------------- Karabakh
    {
        "slug": "jidir-duzu",
        "owner": "shusha",
        "name_az": "Cıdır düzü (Şuşa)",
        "name_en": "Jidir Duzu Plateau (Shusha)",
        "name_ru": "Джыдыр дюзю (Шуша)",
        "description_az": (
            "1752-ci ildə Pənahəli xan tərəfindən əsası qoyulmuş Şuşa şəhərinin"
            " cənub kənarında, Daşaltı çayının dərəsi üzərində sıldırım qayalıqla"
            " bitən yayla. Qarabağ xanlığı dövründə at yarışları və bayramlar"
            " burada keçirilib; 2021-ci ildən “Xarıbülbül” musiqi festivalına ev"
            " sahibliyi edir."
        ),
        "description_en": (
            "A plateau on the southern edge of Shusha, the town founded by Panah"
            " Ali Khan in 1752, ending in sheer cliffs above the Dashalti gorge."
            " Horse races and festivities were held here in the time of the"
            " Karabakh Khanate, and since 2021 it has hosted the Kharibulbul music"
            " festival."
        ),
        "description_ru": (
            "Плато на южной окраине Шуши, основанной Панах Али-ханом в 1752 году,"
            " обрывающееся отвесными скалами над ущельем реки Дашалты. Во времена"
            " Карабахского ханства здесь проходили скачки и празднества, а с"
            " 2021 года — музыкальный фестиваль «Харыбюльбюль»."
        ),
        "region": "karabakh",
        "category": "landscape",
        "latitude": 39.74972,
        "longitude": 46.74472,
        "heritage": True,
        "tourist_site": True,
        "restricted": True,
        "rules_az": (
            "Şuşaya giriş xüsusi rejimlə tənzimlənir: heyətin bütün üzvləri"
            " üçün əvvəlcədən giriş icazəsi alınmalıdır.\n"
            "Yalnız təmizlənmiş və işarələnmiş ərazilərdə hərəkət etmək olar.\n"
            "Dron uçuşları səlahiyyətli dövlət orqanları ilə razılaşdırılır."
        ),
        "rules_en": (
            "Shusha is under a special access regime: every crew member needs an"
            " entry permit in advance.\n"
            "Move only within cleared and marked areas.\n"
            "Drone flights must be cleared with the competent state authorities."
        ),
        "rules_ru": (
            "Въезд в Шушу регулируется особым режимом: на каждого члена группы"
            " заранее оформляется пропуск.\n"
            "Передвигаться можно только по разминированным и обозначенным"
            " территориям.\n"
            "Полёты дронов согласуются с компетентными государственными органами."
        ),
        "fee_per_day": Decimal("700.00"),
        "max_crew": 30,
        "yearly_cap_days": 20,
        "blackout": [
            (datetime.date(2027, 5, 7), datetime.date(2027, 5, 16)),
            (datetime.date(2027, 11, 6), datetime.date(2027, 11, 9)),
        ],
        "published": True,
        "photo_hue": 140,
    },
]

COMPANIES = [
    {
        "key": "xazar_films",
        "legal_name": "Xəzər Films MMC",
        "country": "AZ",
        "registration_number": "1902457311",
        "tax_id": "1902457311",
        "address": "Üzeyir Hacıbəyov küçəsi 57, AZ1000 Bakı, Azərbaycan",
        "contact_name": "Nigar Həsənova",
        "contact_email": "office@xazar-films.demo.filmpermit.test",
        "contact_phone": "+994 12 555 40 01",
    },
    {
        "key": "odlar_studio",
        "legal_name": "Odlar Studio MMC",
        "country": "AZ",
        "registration_number": "1703368942",
        "tax_id": "1703368942",
        "address": "Atatürk prospekti 14, AZ2000 Gəncə, Azərbaycan",
        "contact_name": "Tural Quliyev",
        "contact_email": "info@odlar-studio.demo.filmpermit.test",
        "contact_phone": "+994 22 555 40 02",
    },
    {
        "key": "lumiere_orient",
        "legal_name": "Lumière d'Orient Productions SAS",
        "country": "FR",
        "registration_number": "RCS Paris 912 345 678",
        "tax_id": "FR40912345678",
        "address": "18 rue de la Fontaine au Roi, 75011 Paris, France",
        "contact_name": "Camille Laurent",
        "contact_email": "production@lumiere-orient.demo.filmpermit.test",
        "contact_phone": "+33 1 99 00 12 34",
    },
    {
        "key": "dala_film",
        "legal_name": "TOO «Dala Film»",
        "country": "KZ",
        "registration_number": "210740021345",
        "tax_id": "210740021345",
        "address": "пр. Абая 52, 050008 Алматы, Казахстан",
        "contact_name": "Асель Нурланова",
        "contact_email": "office@dala-film.demo.filmpermit.test",
        "contact_phone": "+7 727 000 45 67",
    },
]


USER_ROLES = ("reviewer", "supervisor", "admin", "finance")

USERS = [
    # Platform
    {
        "email": "admin@demo.filmpermit.test",
        "name": "Platform Administrator",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": None,
        "role": None,
        "platform_admin": True,
    },
    # Ministry of Culture — Film Commission
    {
        "email": "coordinator@demo.filmpermit.test",
        "name": "Aysel Məmmədova",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ministry",
        "role": "supervisor",
        "platform_admin": False,
    },
    {
        "email": "ministry.admin@demo.filmpermit.test",
        "name": "Elçin Rzayev",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ministry",
        "role": "admin",
        "platform_admin": False,
    },
    {
        "email": "ministry.reviewer1@demo.filmpermit.test",
        "name": "Rəşad Əliyev",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ministry",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "finance@demo.filmpermit.test",
        "name": "Leyla Hüseynova",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ministry",
        "role": "finance",
        "platform_admin": False,
    },
    {
        "email": "ministry.reviewer2@demo.filmpermit.test",
        "name": "Ольга Керимова",
        "language": "ru",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ministry",
        "role": "reviewer",
        "platform_admin": False,
    },
    # State Tourism Agency
    {
        "email": "tourism.supervisor@demo.filmpermit.test",
        "name": "Fərid Hüseynov",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "tourism",
        "role": "supervisor",
        "platform_admin": False,
    },
    {
        "email": "tourism.reviewer@demo.filmpermit.test",
        "name": "Günay Abbasova",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "tourism",
        "role": "reviewer",
        "platform_admin": False,
    },
    # Ministry of Internal Affairs (traffic police)
    {
        "email": "police.supervisor@demo.filmpermit.test",
        "name": "Rauf Məmmədli",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "police",
        "role": "supervisor",
        "platform_admin": False,
    },
    {
        "email": "police.reviewer@demo.filmpermit.test",
        "name": "Elvin Kazımov",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "police",
        "role": "reviewer",
        "platform_admin": False,
    },
    # State Civil Aviation Agency
    {
        "email": "aviation.supervisor@demo.filmpermit.test",
        "name": "Leyla Hacıyeva",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "aviation",
        "role": "supervisor",
        "platform_admin": False,
    },
    {
        "email": "aviation.reviewer@demo.filmpermit.test",
        "name": "Orxan Səfərov",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "aviation",
        "role": "reviewer",
        "platform_admin": False,
    },
    # Ministry of Emergency Situations
    {
        "email": "emergency.supervisor@demo.filmpermit.test",
        "name": "Vüqar Əliyev",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "emergency",
        "role": "supervisor",
        "platform_admin": False,
    },
    {
        "email": "emergency.reviewer@demo.filmpermit.test",
        "name": "Natavan Rzayeva",
        "language": "ru",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "emergency",
        "role": "reviewer",
        "platform_admin": False,
    },
    # Site owners
    {
        "email": "icherisheher.supervisor@demo.filmpermit.test",
        "name": "Səbinə Qasımova",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "icherisheher",
        "role": "supervisor",
        "platform_admin": False,
    },
    {
        "email": "icherisheher.reviewer@demo.filmpermit.test",
        "name": "Orxan Babayev",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "icherisheher",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "gobustan.reviewer@demo.filmpermit.test",
        "name": "Kamran İsmayılov",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "gobustan",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "sheki.reviewer@demo.filmpermit.test",
        "name": "Ülviyyə Nəsibova",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "sheki",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "shusha.reviewer@demo.filmpermit.test",
        "name": "Vüsal Cəfərov",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "shusha",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "boulevard.reviewer@demo.filmpermit.test",
        "name": "Лейла Ахмедова",
        "language": "ru",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "baku_boulevard",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "baku-city.reviewer@demo.filmpermit.test",
        "name": "Samir Novruzov",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "baku_city",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "hac.reviewer@demo.filmpermit.test",
        "name": "Nərmin Sadıqova",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "heydar_aliyev_center",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "ecology.reviewer@demo.filmpermit.test",
        "name": "Emil Zeynalov",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ecology",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "yanardag.reviewer@demo.filmpermit.test",
        "name": "Könül Vəliyeva",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "yanar_dag",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "ateshgah.reviewer@demo.filmpermit.test",
        "name": "Азер Мусаев",
        "language": "ru",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ateshgah",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "gabala.reviewer@demo.filmpermit.test",
        "name": "Pərviz Bağırov",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "gabala",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "guba.reviewer@demo.filmpermit.test",
        "name": "Zaur Səfərov",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "guba",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "ismayilli.reviewer@demo.filmpermit.test",
        "name": "Lalə Mehdiyeva",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "ismayilli",
        "role": "reviewer",
        "platform_admin": False,
    },
    {
        "email": "khizi.reviewer@demo.filmpermit.test",
        "name": "Anar Həsənli",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": None,
        "organisation": "khizi",
        "role": "reviewer",
        "platform_admin": False,
    },
    # Producers
    {
        "email": "nigar.producer@demo.filmpermit.test",
        "name": "Nigar Həsənova",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": "xazar_films",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
    {
        "email": "ilkin.producer@demo.filmpermit.test",
        "name": "İlkin Məmmədli",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": "xazar_films",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
    {
        "email": "tural.producer@demo.filmpermit.test",
        "name": "Tural Quliyev",
        "language": "az",
        "password": DEMO_PASSWORD,
        "company": "odlar_studio",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
    {
        "email": "igor.producer@demo.filmpermit.test",
        "name": "Игорь Алекперов",
        "language": "ru",
        "password": DEMO_PASSWORD,
        "company": "odlar_studio",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
    {
        "email": "camille.producer@demo.filmpermit.test",
        "name": "Camille Laurent",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": "lumiere_orient",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
    {
        "email": "julien.producer@demo.filmpermit.test",
        "name": "Julien Moreau",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": "lumiere_orient",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
    {
        "email": "asel.producer@demo.filmpermit.test",
        "name": "Асель Нурланова",
        "language": "ru",
        "password": DEMO_PASSWORD,
        "company": "dala_film",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
    {
        "email": "daniyar.producer@demo.filmpermit.test",
        "name": "Daniyar Seitkali",
        "language": "en",
        "password": DEMO_PASSWORD,
        "company": "dala_film",
        "organisation": None,
        "role": None,
        "platform_admin": False,
    },
]
