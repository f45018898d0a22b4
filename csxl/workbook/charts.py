"""Native Excel charts (DrawingML) over a generated tab's own cells, and the drawing that places them.

The charts reference the table's ranges, so Excel and WPS redraw them from
the cells; they sit one empty column to the right of the table.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from xlsxwriter.utility import xl_col_to_name

from ..reports.charts import Chart

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_REL = R_NS + "/drawing"
CHART_REL = R_NS + "/chart"

CHART_COLUMNS = 9  # how wide a chart is, in columns
CHART_ROWS = 18  # how tall, in rows
_COLORS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")


def _quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _range(sheet_name: str, column: int, first_row: int, last_row: int) -> str:
    letter = xl_col_to_name(column)
    return f"{_quoted(sheet_name)}!${letter}${first_row + 2}:${letter}${last_row + 2}"  # +2: header row, 1-based


def _series_xml(chart: Chart, index: int, series, sheet_name: str, columns: list[str]) -> str:
    color = _COLORS[index % len(_COLORS)]
    if chart.kind == "line":
        look = (f'<c:spPr><a:ln w="28575"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln></c:spPr>'
                '<c:marker><c:symbol val="circle"/><c:size val="5"/></c:marker>')
    else:
        look = f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
    categories = _range(sheet_name, columns.index(series.category_column), series.first_row, series.last_row)
    values = _range(sheet_name, columns.index(series.value_column), series.first_row, series.last_row)
    tail = '<c:smooth val="0"/>' if chart.kind == "line" else ""
    return (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:v>{escape(series.name)}</c:v></c:tx>{look}'
        f"<c:cat><c:strRef><c:f>{escape(categories)}</c:f></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{escape(values)}</c:f></c:numRef></c:val>{tail}</c:ser>"
    )


def chart_xml(chart: Chart, sheet_name: str, columns: list[str]) -> bytes:
    """One chart part; ``columns`` are the table's column keys in order."""
    series = "".join(_series_xml(chart, i, s, sheet_name, columns) for i, s in enumerate(chart.series))
    if chart.kind == "line":
        plot = f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}<c:marker val="1"/>'
    else:
        plot = f'<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>{series}<c:gapWidth val="80"/>'
    plot += '<c:axId val="500001"/><c:axId val="500002"/>' + ("</c:lineChart>" if chart.kind == "line" else "</c:barChart>")
    number_format = "0%" if chart.percent else "General"
    title = (
        '<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
        f'<a:r><a:rPr lang="zh-CN" sz="1200" b="1"/><a:t>{escape(chart.title)}</a:t></a:r></a:p></c:rich></c:tx>'
        '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
    )
    axes = (
        '<c:catAx><c:axId val="500001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:crossAx val="500002"/><c:crosses val="autoZero"/>'
        '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="500002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="{number_format}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="500001"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
    )
    legend = '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' if len(chart.series) > 1 else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{CHART_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}"><c:roundedCorners val="0"/>'
        f'<c:chart>{title}<c:plotArea><c:layout/>{plot}{axes}</c:plotArea>{legend}'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    ).encode("utf-8")


def drawing_xml(chart_rel_ids: list[str], first_column: int) -> bytes:
    """The drawing that stacks the charts, one below the other, from ``first_column`` (0-based)."""
    anchors = []
    for index, rel_id in enumerate(chart_rel_ids):
        top = index * (CHART_ROWS + 1)
        anchors.append(
            '<xdr:twoCellAnchor editAs="oneCell">'
            f"<xdr:from><xdr:col>{first_column}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{top}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{first_column + CHART_COLUMNS}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{top + CHART_ROWS}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{index + 2}" name="Chart {index + 1}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{CHART_NS}"><c:chart xmlns:c="{CHART_NS}" r:id="{rel_id}"/></a:graphicData></a:graphic>'
            "</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<xdr:wsDr xmlns:xdr="{DRAWING_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}">{"".join(anchors)}</xdr:wsDr>'
    ).encode("utf-8")


def relationships_xml(targets: list[tuple[str, str, str]]) -> bytes:
    """A .rels part from (id, type, target) triples."""
    rels = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{escape(target)}"/>' for i, t, target in targets)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
    ).encode("utf-8")
