@echo off
rem Hodan: mo ung dung cua can bo trong trinh duyet (hodan ui).
rem Giu cua so nay mo khi lam viec; dong no de tat ung dung.
rem Du lieu nam trong %APPDATA%\hodan\hodan.db cua nguoi dung nay.
chcp 65001 >nul
cd /d "%~dp0"
hodan.exe ui
if errorlevel 1 pause
