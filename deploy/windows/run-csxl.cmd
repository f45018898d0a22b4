@echo off
rem Started by Task Scheduler at boot (see csxl-task.xml). Adjust the two paths.
set CSXL_HOME=C:\csxl
set WORKBOOK=D:\客服部\客服台账.xlsx
chcp 65001 >nul
"%CSXL_HOME%\.venv\Scripts\csxl.exe" run "%WORKBOOK%"
