@echo off
rem Started by Task Scheduler at boot (see csxl-task.xml). Adjust the two paths.
rem The code page comes first: cmd reads the Chinese path below as UTF-8 only after it.
chcp 65001 >nul
set CSXL_HOME=C:\csxl
set WORKBOOK=D:\客服部\客服台账.xlsx
"%CSXL_HOME%\.venv\Scripts\csxl.exe" run "%WORKBOOK%"
