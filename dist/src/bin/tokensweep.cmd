@echo off
rem tokensweep launcher for Windows. Finds a Java 17+ runtime and starts the tool with the JVM
rem options it wants; works from any directory.
rem
rem   TOKENSWEEP_JAVA       the java.exe to run (default: the bundled runtime\, else %JAVA_HOME%, else java on PATH)
rem   TOKENSWEEP_JAVA_OPTS  extra JVM options; an -Xmx here replaces the default heap cap
rem
rem With a JDK 19+ the archive of class data sharing is kept up to date in %LOCALAPPDATA%\tokensweep.
rem Messages are printed outside parenthesised blocks, so paths like "Program Files (x86)" cannot
rem break them.
setlocal EnableExtensions DisableDelayedExpansion
set "TS_HOME=%~dp0.."
set "TS_JAR=%TS_HOME%\lib\tokensweep.jar"
if not exist "%TS_JAR%" goto nojar

set "TS_JAVA=%TOKENSWEEP_JAVA%"
if not defined TS_JAVA if exist "%TS_HOME%\runtime\bin\java.exe" set "TS_JAVA=%TS_HOME%\runtime\bin\java.exe"
if not defined TS_JAVA if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "TS_JAVA=%JAVA_HOME%\bin\java.exe"
if not defined TS_JAVA for %%J in (java.exe) do set "TS_JAVA=%%~$PATH:J"
if not defined TS_JAVA goto nojava

rem the major version, from "java -version" (its first line holds: version "17.0.x")
set "TS_MAJOR="
set "TS_VERSION="
set "TS_VERSION_FILE=%TEMP%\tokensweep-java-version-%RANDOM%%RANDOM%.txt"
"%TS_JAVA%" -version 2> "%TS_VERSION_FILE%"
for /f "usebackq tokens=3" %%V in (`findstr /i /c:" version " "%TS_VERSION_FILE%"`) do if not defined TS_VERSION set "TS_VERSION=%%~V"
del "%TS_VERSION_FILE%" 2>nul
if not defined TS_VERSION goto noversion
for /f "delims=.-+_ tokens=1,2" %%A in ("%TS_VERSION%") do set "TS_MAJOR=%%A" & set "TS_MINOR=%%B"
if "%TS_MAJOR%"=="1" set "TS_MAJOR=%TS_MINOR%"
if %TS_MAJOR% LSS 17 goto oldjava

set "TS_HEAP=-Xmx1g"
echo( %TOKENSWEEP_JAVA_OPTS% | findstr /c:" -Xmx" >nul && set "TS_HEAP="
rem the serial collector, objects promoted at their first collection, as bin/tokensweep says why; a
rem collector in TOKENSWEEP_JAVA_OPTS replaces it
set "TS_GC=-XX:+UseSerialGC -XX:MaxTenuringThreshold=0"
echo( %TOKENSWEEP_JAVA_OPTS% | findstr /r /c:" -XX:+Use[A-Za-z]*GC" >nul && set "TS_GC="
rem C2 later (ten times the tier-4 thresholds), as bin/tokensweep says why
set "TS_JIT=-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000"
rem which methods C2 compiles apart instead of inlining: lib\tokensweep.compile says why
set "TS_COMPILE="
if exist "%TS_HOME%\lib\tokensweep.compile" set TS_COMPILE="-XX:CompileCommandFile=%TS_HOME%\lib\tokensweep.compile"
set "TS_NATIVE="
if %TS_MAJOR% GEQ 22 set "TS_NATIVE=--enable-native-access=ALL-UNNAMED"
set "TS_CDS="
set "TS_CACHE=%LOCALAPPDATA%\tokensweep"
if %TS_MAJOR% LSS 19 goto run
if not defined LOCALAPPDATA goto run
if not exist "%TS_CACHE%" mkdir "%TS_CACHE%" 2>nul
if exist "%TS_CACHE%" set TS_CDS=-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=%TS_CACHE%\tokensweep-%TS_MAJOR%.jsa"

:run
"%TS_JAVA%" %TS_HEAP% %TS_GC% %TS_JIT% %TS_COMPILE% %TS_NATIVE% -Dfile.encoding=UTF-8 -XX:-UsePerfData -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr "-Xlog:cds*=off:stderr" %TS_CDS% %TOKENSWEEP_JAVA_OPTS% -jar "%TS_JAR%" %*
exit /b %ERRORLEVEL%

:nojar
echo tokensweep: %TS_JAR% is missing: the installation is incomplete 1>&2
exit /b 2
:nojava
echo tokensweep: no Java found: install a Java 17+ runtime, set JAVA_HOME or TOKENSWEEP_JAVA, or use the self-contained archive 1>&2
exit /b 2
:noversion
echo tokensweep: cannot tell the version of %TS_JAVA% 1>&2
exit /b 2
:oldjava
echo tokensweep: needs Java 17 or newer; %TS_JAVA% is Java %TS_VERSION% 1>&2
exit /b 2
