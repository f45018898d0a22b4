Attribute VB_Name = "CsxlRibbon"
Option Explicit

' The one callback of the csxl ribbon tab: the button's id names the Python action
' (csxl/excel/actions.py). Keep this module ASCII: the VBA project's code page drops anything else,
' so Chinese text is spelled as UTF-16 code points (tests/test_excel.py reads them back).
Sub CsxlAction(control As IRibbonControl)
    CsxlRun control.Id
End Sub

' The same for `csxl addin selftest`, which calls it through Application.Run (only the ribbon can make an IRibbonControl).
Sub CsxlRun(actionId As String)
    ' xlwings' RunPython walks ActiveWorkbook.Worksheets: with no workbook open that is error 91.
    If ActiveWorkbook Is Nothing Then
        MsgBox FromCodes("8BF7 5148 6253 5F00 5BA2 670D 53F0 8D26 5DE5 4F5C 7C3F FF0C 518D 70B9 51FB 5BA2 670D 52A9 624B 7684 6309 94AE 3002"), vbInformation, FromCodes("5BA2 670D 52A9 624B")
        Exit Sub
    End If
    RunPython "import csxl.excel as x; x.dispatch('" & actionId & "')"
End Sub

Private Function FromCodes(codes As String) As String
    Dim code As Variant
    For Each code In Split(codes, " ")
        FromCodes = FromCodes & ChrW(CLng("&H" & code))
    Next code
End Function
