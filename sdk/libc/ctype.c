/*
 * Character classes for the "C" locale (ctype.h). Values outside 0-255
 * (EOF, or a char that was not cast to unsigned char) are in no class.
 */
#include <ctype.h>

static int in(int c, int lo, int hi)
{
	return c >= lo && c <= hi;
}

int isupper(int c)
{
	return in(c, 'A', 'Z');
}

int islower(int c)
{
	return in(c, 'a', 'z');
}

int isalpha(int c)
{
	return isupper(c) || islower(c);
}

int isdigit(int c)
{
	return in(c, '0', '9');
}

int isalnum(int c)
{
	return isalpha(c) || isdigit(c);
}

int isxdigit(int c)
{
	return isdigit(c) || in(c, 'a', 'f') || in(c, 'A', 'F');
}

int isblank(int c)
{
	return c == ' ' || c == '\t';
}

int isspace(int c)
{
	return c == ' ' || in(c, '\t', '\r'); /* \t \n \v \f \r */
}

int iscntrl(int c)
{
	return in(c, 0, 31) || c == 127;
}

int isprint(int c)
{
	return in(c, 32, 126);
}

int isgraph(int c)
{
	return in(c, 33, 126);
}

int ispunct(int c)
{
	return isgraph(c) && !isalnum(c);
}

int tolower(int c)
{
	return isupper(c) ? c - 'A' + 'a' : c;
}

int toupper(int c)
{
	return islower(c) ? c - 'a' + 'A' : c;
}
