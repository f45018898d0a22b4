Attribute VB_Name = "CsxlUdfs"
' Worksheet functions: the wrappers xlwings' generate_vba_wrapper writes for csxl/excel/udfs.py, under the
' #Const its import_udfs puts first (private to this module, so every UDF module needs its own).
#Const App = "Microsoft Excel" 'Adjust when using outside of Excel
Function CSXL_DUE(vin)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        CSXL_DUE = XLPy.CallUDF("csxl.excel.udfs", "CSXL_DUE", Array(vin, Nothing), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        CSXL_DUE = XLPy.CallUDF("csxl.excel.udfs", "CSXL_DUE", Array(vin, Nothing))
        Exit Function
    #End If
failed:
    CSXL_DUE = Err.Description
End Function

Function CSXL_LUNAR(day)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        CSXL_LUNAR = XLPy.CallUDF("csxl.excel.udfs", "CSXL_LUNAR", Array(day), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        CSXL_LUNAR = XLPy.CallUDF("csxl.excel.udfs", "CSXL_LUNAR", Array(day))
        Exit Function
    #End If
failed:
    CSXL_LUNAR = Err.Description
End Function

Function CSXL_NEXT_BIRTHDAY(birthday, Optional lunar)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        CSXL_NEXT_BIRTHDAY = XLPy.CallUDF("csxl.excel.udfs", "CSXL_NEXT_BIRTHDAY", Array(birthday, lunar), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        CSXL_NEXT_BIRTHDAY = XLPy.CallUDF("csxl.excel.udfs", "CSXL_NEXT_BIRTHDAY", Array(birthday, lunar))
        Exit Function
    #End If
failed:
    CSXL_NEXT_BIRTHDAY = Err.Description
End Function

Function CSXL_WORKDAY(start, n)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        CSXL_WORKDAY = XLPy.CallUDF("csxl.excel.udfs", "CSXL_WORKDAY", Array(start, n), ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        CSXL_WORKDAY = XLPy.CallUDF("csxl.excel.udfs", "CSXL_WORKDAY", Array(start, n))
        Exit Function
    #End If
failed:
    CSXL_WORKDAY = Err.Description
End Function

