// The one Catch2 main every unit test binary links (takt_catch_main, see cmake/TaktCatch.cmake).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
