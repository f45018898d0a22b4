Attribute VB_Name = "CsxlRibbon"
Option Explicit

' The one callback of the csxl ribbon tab: the button's id names the Python action
' (csxl/excel/actions.py). Keep this module ASCII: the VBA project's code page drops anything else.
Sub CsxlAction(control As IRibbonControl)
    RunPython "import csxl.excel as x; x.dispatch('" & control.Id & "')"
End Sub
